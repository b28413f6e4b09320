//! CPU cost of the content rules on a typical 500-character message: the check every
//! public text write runs (`shared/src/domain/content_rules`, compiled here from its own
//! source, so the bench measures the code the functions run without linking the rest of
//! natives-shared), per language, to size its share of a post's CPU time
//! (docs/performance.md).
//!
//! Usage: target/release/contentcost [iterations, default 20000]

use std::time::Duration;

#[allow(dead_code)]
#[path = "../../../../shared/src/domain/content_rules/mod.rs"]
mod content_rules;

use content_rules::ContentRules;

/// Messages of about 500 characters as learners write them: prose with times, dates,
/// prices, counts and punctuation, nothing that breaks a rule (the whole text is read).
const MESSAGES: &[(&str, &str)] = &[
    (
        "English",
        "Hi Anna! Thanks a lot for your corrections yesterday, they really helped. I practised \
         the past perfect for 3.5 hours, e.g. \"I had finished before he arrived\", and wrote about \
         1000 words in my notebook. On 11/28/2026 at 10:30 I have my exam, so I'm a bit nervous. \
         The course costs $1,299.00, which is a lot, but my company pays 50% of it. Could you \
         check my essay about Mr. Smith, the teacher from chapter 2.0 of the book? I sent it as \
         report.pdf last week. See you soon, and have a great weekend!",
    ),
    (
        "German",
        "Hallo zusammen! Ich lerne seit 2019 Deutsch und habe am 28.11.2026 um 10:30 Uhr meine \
         B2-Prüfung. Das Buch hat 12,50 € gekostet, z.B. die Übungen auf Seite 145 sind sehr gut. \
         Gestern habe ich 3,5 Stunden gelernt und ungefähr 40 neue Wörter aufgeschrieben. Kann \
         jemand meinen Text korrigieren? Ich habe über meine Reise nach München geschrieben: wir \
         sind um 7.45 Uhr losgefahren und waren nach 4 Stunden da. Das Wetter war schön, aber \
         kalt, nur 3 Grad. Vielen Dank im Voraus und bis bald, eure Maria aus Madrid!",
    ),
    (
        "Russian",
        "Привет всем! Я изучаю русский язык уже 3 года, с 2023 года. Урок начинается в 10:30, \
         а заканчивается в 12:00. Учебник стоит 1 299 руб., но в библиотеке можно взять его \
         бесплатно. Вчера я прочитал 12 страниц и выучил 25 новых слов. Моя учительница говорит, \
         что у меня хорошее произношение, но грамматика пока слабая, особенно падежи. Кто-нибудь \
         может проверить моё сочинение про Москву? Там примерно 300 слов. Спасибо заранее, и \
         хороших выходных! До встречи 28.11.2026 на нашем занятии в группе.",
    ),
    (
        "Japanese",
        "こんにちは！日本語を勉強して2年になります。毎朝7時30分から1時間、教科書を読んでいます。\
         先週、漢字を50個覚えました。来月の12月6日にJLPTのN3を受けます。試験料は6,500円でした。\
         文法はまだ難しいですが、友達と話すのはとても楽しいです。この作文を直していただけませんか。\
         東京で3日間旅行したことについて書きました。浅草や渋谷に行って、ラーメンを食べました。\
         とても美味しかったです。よろしくお願いします。また来週の金曜日の19時に会いましょう！\
         みなさん、良い週末を過ごしてください。ありがとうございました。先生、質問があります。\
         「〜ておく」と「〜てある」の違いがよく分かりません。例えば「窓を開けておきました」と\
         「窓が開けてあります」はどう違いますか。教科書の45ページに説明がありますが、少し難しい\
         です。それから、敬語についても教えてください。会社で上司と話す時、「いらっしゃる」と\
         「おいでになる」のどちらを使えばいいですか。去年の4月から東京の会社で働いていて、毎日\
         敬語を使っています。でも、まだ間違えることが多くて、恥ずかしいです。同僚は優しく直して\
         くれますが、自分でもちゃんと覚えたいです。週に3回、30分ずつ練習しようと思っています。\
         おすすめの本があれば教えてください。値段は2,000円くらいまでだと助かります。",
    ),
];

/// Batches per language: the median batch is reported, so that a build running beside the
/// bench on a shared machine moves the figure less.
const BATCHES: u32 = 21;

/// This thread's CPU time: waiting for a core shared with other work does not count.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to write.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

fn main() {
    let iterations: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let per_batch = (iterations / BATCHES).max(1);
    let rules = ContentRules::default();
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    for (language, message) in MESSAGES {
        assert_eq!(rules.check(message), Ok(()), "{language} must pass");
        let first = thread_cpu_time();
        let _ = rules.check(message);
        let first = thread_cpu_time() - first;
        let mut batches: Vec<Duration> = (0..BATCHES)
            .map(|_| {
                let start = thread_cpu_time();
                for _ in 0..per_batch {
                    let _ = std::hint::black_box(rules.check(std::hint::black_box(message)));
                }
                (thread_cpu_time() - start) / per_batch
            })
            .collect();
        batches.sort();
        println!(
            "{build} {language:8} {:3} chars: CPU time: first check {first:>10.1?}; median {:>10.1?}, fastest batch {:>10.1?} per check ({} checks)",
            message.chars().count(),
            batches[batches.len() / 2],
            batches[0],
            per_batch * BATCHES,
        );
    }
}
