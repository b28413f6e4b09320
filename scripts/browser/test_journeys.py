"""What a person does in the web client, in a real browser against a fresh local stack.
The journeys run in file order: the first leaves a user and a thread with a voice
message for the others."""

import json
import re
import subprocess
import time
import urllib.request

from playwright.sync_api import expect

from conftest import DESKTOP, LOCAL_BIN, PHONE, ROOT

PASSWORD = "correct horse battery"


def register_in_browser(page, email, display_name):
    page.goto("/#/register")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Display name").fill(display_name)
    page.get_by_label("Date of birth").fill("1990-12-10")
    page.get_by_label("Country").select_option("GB")
    page.get_by_label("Your native language").select_option("en")
    page.get_by_role("group", name="Languages you are learning").get_by_label("German").check()
    page.get_by_label(re.compile("^I accept the Terms of Use")).check()


def log_in(page, email, next_path="/"):
    page.goto(f"/#/login?next={next_path}")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def register_by_api(stack, email, display_name):
    terms = stack.api("GET", "/v1/terms")[1]
    status, _ = stack.api("POST", "/v1/accounts", {
        "email": email, "password": PASSWORD, "display_name": display_name,
        "date_of_birth": "1985-03-01", "country": "DE", "native_languages": ["de"],
        "learning_languages": ["en"], "accepted_terms_version": terms["version"],
    })
    assert status == 201


def test_a_new_user_registers_buys_credits_replies_and_speaks(pages, stack, world):
    page = pages.new()
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Conversations with native speakers")
    pages.check(page, "home")

    register_in_browser(page, "ada@example.com", "Ada")
    # A minor needs the guardian's consent: the form asks for it when the birth date says so.
    page.get_by_label("Date of birth").fill("2015-06-01")
    expect(page.get_by_role("group", name="Your parent or guardian")).to_be_visible()
    pages.check(page, "register-minor")
    page.get_by_label("Date of birth").fill("1990-12-10")
    expect(page.get_by_role("group", name="Your parent or guardian")).to_have_count(0)
    page.get_by_role("button", name="Register").click()

    expect(page.get_by_text("Your balance: 0 credits")).to_be_visible()
    expect(page.get_by_text("Signed in as Ada")).to_be_visible()
    pages.check(page, "credits")

    # Buy: the tariff → the local checkout page → pay → back.
    page.get_by_role("button", name="Buy Starter").click()
    expect(page).to_have_url(re.compile("/local/checkout/"))
    page.get_by_role("button", name=re.compile("^Pay")).click()
    expect(page.get_by_text("credits were added")).to_be_visible()
    page.get_by_role("link", name="Back to Natives.Chat").click()
    # The page was left and loaded again: the session came back from the cookie.
    expect(page.get_by_text("Your balance: 100 credits")).to_be_visible()
    expect(page.get_by_role("cell", name="Purchase")).to_be_visible()

    # Open a thread in German.
    page.get_by_role("link", name="Languages").click()
    page.get_by_role("link", name="German", exact=True).click()
    page.get_by_role("link", name="Start a thread").click()
    expect(page.get_by_label("Language")).to_have_value("de")
    page.get_by_label("Title").fill("Feierabend")
    page.get_by_label("First message").fill("Wie sagt man das auf Englisch?")
    page.get_by_role("button", name=re.compile("^Start the thread")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Feierabend")
    world["thread_url"] = page.url

    # A visitor in another browser has the thread open: what Ada does arrives there live.
    reader = pages.new()
    reader.goto(world["thread_url"])
    expect(reader.locator("article.message")).to_have_count(1)
    expect(reader.locator("[data-live=on]")).to_be_visible()

    # A text reply.
    page.get_by_label("Your reply").fill("Man sagt: quitting time.")
    page.get_by_role("button", name="Send reply").click()
    messages = page.locator("article.message")
    expect(messages).to_have_count(2)
    expect(messages.nth(1)).to_contain_text("Man sagt: quitting time.")
    expect(reader.locator("article.message")).to_have_count(2)
    expect(reader.locator("article.message").nth(1)).to_contain_text("Man sagt: quitting time.")

    # A voice message from the (fake) microphone.
    page.get_by_role("button", name="Record a voice message").click()
    expect(page.get_by_text(re.compile(r"Recording… [1-9]"))).to_be_visible()
    page.get_by_role("button", name="Stop recording").click()
    page.get_by_role("button", name=re.compile("^Send the recording")).click()
    expect(messages).to_have_count(3)
    voice = messages.nth(2).locator("audio")
    expect(voice).to_have_attribute("src", re.compile(r"/v1/messages/\w+/voice$"))

    # Edit the first message; its earlier text stays as a revision.
    first = messages.nth(0)
    first.get_by_role("button", name="Edit").click()
    first.get_by_label("New text").fill("Wie sagt man „Feierabend“ auf Englisch?")
    first.get_by_role("button", name="Save").click()
    expect(first).to_contain_text("edited")
    first.get_by_role("button", name="Earlier versions").click()
    expect(first.get_by_role("region", name="Earlier versions")).to_contain_text("Wie sagt man das auf Englisch?")
    expect(reader.locator("article.message")).to_have_count(3)
    expect(reader.locator("article.message").nth(0)).to_contain_text("Wie sagt man „Feierabend“ auf Englisch?")
    pages.check(reader, "thread-live")
    expect(page.get_by_text("Signed in as Ada")).to_be_visible()
    expect(page.get_by_role("link", name="91 credits")).to_be_visible()  # 100 − 5 − 1 − 3
    pages.check(page, "thread")

    # What the browser uploaded is what the API archived: a WebM recording with its hash.
    thread_id = page.url.rsplit("/", 1)[1]
    items = stack.api("GET", f"/v1/threads/{thread_id}/messages")[1]["items"]
    assert [m["kind"] for m in items] == ["text", "text", "voice"]
    assert items[2]["voice"]["content_type"] == "audio/webm"
    assert items[2]["voice"]["size_bytes"] > 1000
    world["text_message_id"] = items[1]["id"]
    world["voice_message_id"] = items[2]["id"]

    phone = pages.new(viewport=PHONE)
    phone.goto(world["thread_url"])
    expect(phone.locator("article.message")).to_have_count(3)
    pages.screenshot(phone, "thread-phone")

    # Her progress: this journey's posts, counted from the table's stream.
    page.get_by_role("link", name="My progress").click()
    expect(page.get_by_role("heading", name="German")).to_be_visible()
    pages.check(page, "progress")


def test_b_a_visitor_reads_a_thread_and_plays_its_voice_message(pages, world):
    page = pages.new()
    page.goto("/")
    page.get_by_role("link", name="German", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Threads in German")
    pages.check(page, "threads")
    page.get_by_role("link", name="Feierabend").click()
    expect(page.locator("article.message")).to_have_count(3)
    expect(page.get_by_role("link", name="Log in to reply or to speak")).to_be_visible()
    expect(page.get_by_role("button", name="Report")).to_have_count(0)

    audio = page.get_by_label("Voice message from Ada")
    audio.click()  # a user gesture, so the page may play sound
    played = audio.evaluate(
        """async (audio) => {
             await audio.play();
             await new Promise((resolve) => audio.currentTime > 0.2 ? resolve()
               : audio.addEventListener('timeupdate', () => audio.currentTime > 0.2 && resolve()));
             audio.pause();
             return {duration: audio.duration, error: audio.error && audio.error.code};
           }"""
    )
    assert played["error"] is None and played["duration"] > 0.5, played
    pages.check(page, "thread-visitor")

    phone = pages.new(viewport=PHONE)
    phone.goto("/")
    pages.screenshot(phone, "home-phone")


def test_c_a_moderator_hides_a_reported_message(pages, stack, world):
    register_by_api(stack, "mod@example.com", "Moritz")
    stack.operator("accounts", "set-roles", "mod@example.com", "user,moderator")
    page = pages.new()
    log_in(page, "mod@example.com", world["thread_url"].split("#", 1)[1])
    expect(page.get_by_text("Signed in as Moritz")).to_be_visible()

    # A visitor has the thread open while the moderator decides.
    reader = pages.new()
    reader.goto(world["thread_url"])
    expect(reader.locator("[data-live=on]")).to_be_visible()
    watched = reader.locator("article.message").nth(1)
    expect(watched).to_contain_text("Man sagt: quitting time.")

    reply = page.locator("article.message").nth(1)
    reply.get_by_role("button", name="Report", exact=True).click()
    reply.get_by_label("What is wrong with it?").select_option("spam")
    reply.get_by_label("Comment (optional)").fill("Advertising")
    reply.get_by_role("button", name="Send the report").click()
    expect(reply.get_by_text("the report reached the moderators")).to_be_visible()

    page.get_by_role("link", name="Moderation").click()
    item = page.locator("article.queue-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Advertising")
    pages.check(page, "moderation")
    item.get_by_label("Decision").select_option("hide")
    item.get_by_label(re.compile("^Reason")).fill("Advertising is against the terms.")
    item.get_by_role("button", name="Decide").click()
    expect(page.get_by_text("Decided: the message is hidden; reports settled: 1.")).to_be_visible()
    expect(page.get_by_text("No message waits for a decision.")).to_be_visible()

    # Readers no longer see it: the open page was told, without its text.
    status, _ = stack.api("GET", f"/v1/messages/{world['text_message_id']}")
    assert status == 404
    expect(watched).to_have_class(re.compile("muted"))
    expect(watched).not_to_contain_text("Man sagt: quitting time.")


def test_d_a_user_exports_their_data_and_files_a_privacy_request(pages, world):
    page = pages.new()
    log_in(page, "ada@example.com", "/account")
    expect(page.get_by_role("heading", name="My account", level=1)).to_be_visible()
    # A reload loses the in-memory access token; the cookie brings the session back.
    page.reload()
    expect(page.get_by_role("heading", name="My account", level=1)).to_be_visible()
    expect(page.get_by_text("ada@example.com", exact=True)).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    exported = json.loads(open(download.value.path()).read())
    sections = exported["sections"]
    assert sections["account"][0]["email"] == "ada@example.com"
    assert [m["kind"] for m in sections["messages"]] == ["text", "text", "voice"]
    expect(page.get_by_text(re.compile(r"Downloaded natives-chat-export-.*\.json"))).to_be_visible()

    privacy = page.get_by_role("region", name="Privacy requests")
    privacy.get_by_label("Request").select_option("access")
    privacy.get_by_label("Details (optional)").fill("What do you hold about me?")
    privacy.get_by_role("button", name="Send the request").click()
    expect(privacy.get_by_text(re.compile("answer due"))).to_be_visible()

    consents = page.get_by_role("region", name="E-mail consents")
    consents.get_by_label("E-mail me news and offers").check()
    consents.get_by_role("button", name="Save").click()
    expect(consents.get_by_text(re.compile("^Saved at"))).to_be_visible()
    pages.check(page, "account")

    # Logging out ends the session: the cookie no longer opens one after a reload.
    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("button", name="Log out").click()
    expect(menu.get_by_role("link", name="Log in")).to_be_visible()
    page.reload()
    expect(menu.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Conversations with native speakers")


def test_e_a_user_verifies_and_moves_their_address_and_resets_a_forgotten_password(pages, stack):
    register_by_api(stack, "eve@example.com", "Eve")
    page = pages.new()
    log_in(page, "eve@example.com", "/account")
    address = page.get_by_role("region", name="E-mail address")
    expect(address.get_by_text("eve@example.com is not verified yet", exact=False)).to_be_visible()
    address.get_by_label("Code to verify the address").fill(stack.code_sent("eve@example.com", "Verify"))
    address.get_by_role("button", name="Confirm").click()
    expect(address.get_by_text("eve@example.com is verified.")).to_be_visible()

    address.get_by_label("New e-mail address").fill("eve@new.example")
    address.get_by_label("Current password").fill(PASSWORD)
    address.get_by_role("button", name="Send a code to the new address").click()
    expect(address.get_by_text("A code is on its way to eve@new.example.")).to_be_visible()
    address.get_by_label("Code sent to the new address").fill(
        stack.code_sent("eve@new.example", "new e-mail address"))
    address.get_by_role("button", name="Confirm").click()
    expect(address.get_by_text("Your account now uses eve@new.example", exact=False)).to_be_visible()

    password = page.get_by_role("region", name="Password")
    password.get_by_label("Current password").fill(PASSWORD)
    password.get_by_label("New password").fill("a brand new horse staple")
    password.get_by_role("button", name="Change the password").click()
    expect(password.get_by_text("Your password is changed.")).to_be_visible()
    pages.check(page, "account-address-and-password")

    menu = page.get_by_role("navigation", name="Main")
    menu.get_by_role("button", name="Log out").click()
    expect(menu.get_by_role("link", name="Log in")).to_be_visible()

    page.goto("/#/login")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password", level=1)).to_be_visible()
    page.get_by_label("E-mail address").fill("eve@new.example")
    page.get_by_role("button", name="Send me a code").click()
    expect(page.get_by_text("a 6-digit code is on its way", exact=False)).to_be_visible()
    page.get_by_label("Code from the e-mail").fill(stack.code_sent("eve@new.example", "password reset"))
    page.get_by_label("New password").fill("the third horse battery")
    page.get_by_role("button", name="Set the new password").click()
    expect(page.get_by_text("Your password is reset", exact=False)).to_be_visible()
    pages.check(page, "password-reset")

    page.goto("/#/login?next=/account")
    page.get_by_label("E-mail address").fill("eve@new.example")
    page.get_by_label("Password").fill("the third horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="My account", level=1)).to_be_visible()



def test_f_a_user_gives_a_photo_and_levels_and_a_visitor_sees_the_public_profile(pages, stack):
    register_by_api(stack, "pia@example.com", "Pia")
    page = pages.new()
    log_in(page, "pia@example.com", "/account")
    expect(page.get_by_role("heading", name="My account", level=1)).to_be_visible()

    levels = page.get_by_role("region", name="Language levels")
    levels.get_by_label("English").select_option("B2")
    levels.get_by_role("button", name="Save").click()
    expect(levels.get_by_text("Saved")).to_be_visible()

    photo = page.get_by_role("region", name="Photo")
    expect(photo.get_by_text("No photo yet.")).to_be_visible()
    photo.get_by_label(re.compile("^A photo")).set_input_files(ROOT / "media/fixtures/photo-exif-gps.jpg")
    photo.get_by_role("button", name="Upload photo").click()
    shown = photo.get_by_role("img", name="Photo of Pia")
    expect(shown).to_be_visible()
    # The browser loaded it from the photos bucket: the published, re-encoded JPEG.
    expect(shown).to_have_js_property("naturalHeight", 512)
    pages.check(page, "account-photo")

    profile = page.get_by_role("link", name="Your public profile")
    profile.click()
    expect(page.get_by_role("heading", name="Pia", level=1)).to_be_visible()
    expect(page.get_by_text("English (B2)")).to_be_visible()
    expect(page.get_by_role("img", name="Photo of Pia")).to_be_visible()
    assert "pia@example.com" not in page.content()
    pages.check(page, "profile")

    page.goto("/#/account")
    photo = page.get_by_role("region", name="Photo")
    photo.get_by_role("button", name="Delete photo").click()
    expect(photo.get_by_text("No photo yet.")).to_be_visible()


def invitation_code_sent(stack, to):
    """The code of the newest invitation e-mailed to `to` (its links carry it)."""
    listed = subprocess.run(
        [str(LOCAL_BIN), "--data-dir", str(stack.data_dir), "outbox", "list", "--json"],
        check=True, capture_output=True, text=True,
    ).stdout
    emails = [json.loads(line) for line in listed.splitlines() if line.strip()]
    text = [e["text"] for e in emails if e["to"] == to and e["kind"] == "invitation"][-1]
    return re.search(r"invitation_code=([A-Za-z0-9._-]+)", text).group(1)


def test_g_a_user_invites_a_friend_who_joins_and_another_who_opts_out(pages, stack):
    register_by_api(stack, "ines@example.com", "Ines")
    page = pages.new()
    log_in(page, "ines@example.com", "/account")
    invite = page.get_by_role("region", name="Invite a friend")
    expect(invite.get_by_text("You have not invited anyone yet.")).to_be_visible()
    invite.get_by_label("Your friend’s e-mail address").fill("jon@example.com")
    invite.get_by_role("button", name="Send the invitation").click()
    expect(invite.get_by_text("An invitation is on its way to jon@example.com.")).to_be_visible()
    expect(invite.get_by_role("list", name="My invitations").get_by_text("jon@example.com")).to_be_visible()
    invite.get_by_label("Your friend’s e-mail address").fill("kim@example.com")
    invite.get_by_role("button", name="Send the invitation").click()
    expect(invite.get_by_text("An invitation is on its way to kim@example.com.")).to_be_visible()
    pages.check(page, "account-invitations")

    # Jon follows the e-mail's link (a path, as mail clients keep it) and registers.
    friend = pages.new()
    friend.goto(f"/join?invitation_code={invitation_code_sent(stack, 'jon@example.com')}")
    expect(friend.get_by_role("heading", name="Register", level=1)).to_be_visible()
    expect(friend.get_by_text("A friend invited you", exact=False)).to_be_visible()
    pages.check(friend, "join")
    friend.get_by_label("E-mail address").fill("jon@example.com")
    friend.get_by_label("Password").fill(PASSWORD)
    friend.get_by_label("Display name").fill("Jon")
    friend.get_by_label("Date of birth").fill("1990-12-10")
    friend.get_by_label("Country").select_option("GB")
    friend.get_by_label("Your native language").select_option("en")
    friend.get_by_label(re.compile("^I accept the Terms of Use")).check()
    friend.get_by_role("button", name="Register").click()
    expect(friend.get_by_role("heading", name="Credits", level=1)).to_be_visible()

    # Kim wants no invitations: one button.
    other = pages.new()
    other.goto(f"/invitations/opt-out?code={invitation_code_sent(stack, 'kim@example.com')}")
    expect(other.get_by_role("heading", name="No more invitations", level=1)).to_be_visible()
    other.get_by_role("button", name="Never invite this address again").click()
    expect(other.get_by_text("this address will not receive invitations", exact=False)).to_be_visible()
    pages.check(other, "invitation-opt-out")

    # Ines sees Jon by his name, never his address.
    page.reload()
    invite = page.get_by_role("region", name="Invite a friend")
    invitations = invite.get_by_role("list", name="My invitations")
    expect(invitations.get_by_role("link", name="Jon")).to_be_visible()
    expect(invitations.get_by_text("jon@example.com")).to_have_count(0)


def test_h_a_correction_is_edited_reported_and_hidden(pages, stack, world):
    register_by_api(stack, "bea@example.com", "Bea")
    register_by_api(stack, "carl@example.com", "Carl")
    original = "Wie sagt man „Feierabend“ auf Englisch?"

    # Bea buys credits (a correction is paid) and corrects Ada's first message.
    author = pages.new()
    log_in(author, "bea@example.com", "/credits")
    expect(author.get_by_text("Signed in as Bea")).to_be_visible()
    author.get_by_role("button", name="Buy Starter").click()
    author.get_by_role("button", name=re.compile("^Pay")).click()
    author.get_by_role("link", name="Back to Natives.Chat").click()
    expect(author.get_by_text("Your balance: 100 credits")).to_be_visible()
    author.goto(world["thread_url"])
    first = author.locator("article.message").nth(0)
    expect(first).to_contain_text(original)
    first.get_by_role("button", name=re.compile("^Corrections")).click()
    section = first.get_by_role("region", name="Corrections")
    section.get_by_label("Corrected text").fill("Wie sagt man „Feierabend“ im Englischen?")
    section.get_by_label("Note (optional)").fill("So klingt es natürlicher.")
    section.get_by_role("button", name="Send the correction").click()
    correction = section.locator("li.correction")
    expect(correction).to_have_count(1)
    expect(correction.locator("ins")).to_have_text(["im", "Englischen"])
    expect(correction.get_by_role("button", name="Report")).to_have_count(0)

    # She edits it: the diff is against the same text of the message, the first version is kept.
    correction.get_by_role("button", name="Edit").click()
    correction.get_by_label("Corrected text").fill("Wie sagt man „Feierabend“ auf gutem Englisch?")
    correction.get_by_role("button", name="Save").click()
    expect(correction).to_contain_text("edited")
    expect(correction.locator("ins")).to_have_text([re.compile("gutem")])
    correction.get_by_role("button", name="Versions").click()
    versions = correction.get_by_role("region", name="Versions")
    expect(versions.locator("li")).to_have_count(1)
    expect(versions).to_contain_text("Wie sagt man „Feierabend“ im Englischen?")
    expect(versions).to_contain_text("So klingt es natürlicher.")
    pages.check(author, "thread-correction-versions")

    # Carl reports it; a second report is refused and said so.
    reader = pages.new()
    log_in(reader, "carl@example.com", world["thread_url"].split("#", 1)[1])
    expect(reader.get_by_text("Signed in as Carl")).to_be_visible()
    first = reader.locator("article.message").nth(0)
    first.get_by_role("button", name=re.compile("^Corrections")).click()
    reported = first.locator("li.correction")
    expect(reported).to_have_count(1)
    expect(reported.get_by_role("button", name="Edit")).to_have_count(0)
    expect(reported.get_by_role("button", name="Versions")).to_have_count(0)
    reported.get_by_role("button", name="Report", exact=True).click()
    reported.get_by_label("What is wrong with it?").select_option("offensive")
    reported.get_by_label("Comment (optional)").fill("Mocks the learner")
    reported.get_by_role("button", name="Send the report").click()
    expect(reported.get_by_text("the report reached the moderators")).to_be_visible()
    reported.get_by_role("button", name="Report", exact=True).click()  # closes the form
    reported.get_by_role("button", name="Report", exact=True).click()  # a fresh one
    reported.get_by_role("button", name="Send the report").click()
    expect(reported.get_by_text("You already reported this")).to_be_visible()
    # Chromium logs every refused request; this refusal is the expected one.
    refused = [e for e in pages.errors if "status of 409 (Conflict)" in e]
    assert len(refused) == 1, pages.errors
    pages.errors.remove(refused[0])
    pages.check(reader, "thread-correction-report")

    # The moderator finds it in the queue as a correction, with its diff, and hides it.
    moderator = pages.new()
    log_in(moderator, "mod@example.com", "/moderation")
    item = moderator.locator("article.queue-item")
    expect(item).to_have_count(1)
    expect(item).to_have_class(re.compile("correction"))
    expect(item.get_by_role("heading", level=2)).to_have_text("A correction by Bea (open reports: 1)")
    expect(item.locator("ins")).to_have_text([re.compile("gutem")])
    expect(item).to_contain_text("Mocks the learner")
    expect(item.get_by_role("link", name="Open the thread")).to_have_attribute(
        "href", "#" + world["thread_url"].split("#", 1)[1]
    )
    pages.check(moderator, "moderation-correction")
    item.get_by_label("Decision").select_option("hide")
    item.get_by_label(re.compile("^Reason")).fill("Mocking is against the terms.")
    item.get_by_role("button", name="Decide").click()
    expect(moderator.get_by_text("Decided: the correction is hidden; reports settled: 1.")).to_be_visible()
    expect(moderator.get_by_text("No message waits for a decision.")).to_be_visible()

    # Readers no longer see it; its author still does, marked hidden.
    thread_id = world["thread_url"].rsplit("/", 1)[1]
    message_id = stack.api("GET", f"/v1/threads/{thread_id}/messages")[1]["items"][0]["id"]
    listed = stack.api("GET", f"/v1/messages/{message_id}/corrections")[1]["items"]
    assert listed == [], json.dumps(listed, indent=1)
    author.reload()
    first = author.locator("article.message").nth(0)
    first.get_by_role("button", name=re.compile("^Corrections")).click()
    expect(first.locator("li.correction")).to_contain_text("hidden")


def test_i_a_blocked_account_signs_in_to_its_privacy_rights_only(pages, stack):
    register_by_api(stack, "blocked@example.com", "Bruno")
    status, tokens = stack.api("POST", "/v1/sessions", {"email": "blocked@example.com", "password": PASSWORD})
    assert status == 200
    status, _ = stack.api("POST", "/v1/me/block", token=tokens["access_token"])
    assert status == 204

    # The ordinary login is refused; the page offers the privacy rights instead.
    page = pages.new()
    log_in(page, "blocked@example.com")
    expect(page.get_by_text("This account is blocked.")).to_be_visible()
    refused = [e for e in pages.errors if "status of 403 (Forbidden)" in e]
    assert len(refused) == 1, pages.errors
    pages.errors.remove(refused[0])
    page.get_by_role("button", name="Sign in to use your privacy rights").click()
    expect(page.get_by_role("heading", name="My privacy rights", level=1)).to_be_visible()
    expect(page.get_by_text("This session reaches only your privacy rights.")).to_be_visible()
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="My account")).to_have_count(0)
    expect(menu.get_by_role("link", name="Credits")).to_have_count(0)
    pages.check(page, "privacy-rights")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    exported = json.loads(open(download.value.path()).read())
    assert exported["sections"]["account"][0]["email"] == "blocked@example.com"

    privacy = page.get_by_role("region", name="Privacy requests")
    privacy.get_by_label("Request").select_option("objection")
    privacy.get_by_label("Details (optional)").fill("I dispute the block.")
    privacy.get_by_role("button", name="Send the request").click()
    expect(privacy.get_by_text(re.compile("answer due"))).to_be_visible()

    # Nothing else opens: the account page says so, and a reload keeps the restriction.
    page.goto("/#/account")
    expect(page.get_by_role("heading", level=1)).to_have_text("This session reaches only your privacy rights")
    page.reload()
    page.goto("/#/privacy-rights")
    expect(page.get_by_role("heading", name="My privacy rights", level=1)).to_be_visible()


def fill_address(form, legend, line1, postal_code, city):
    address = form.get_by_role("group", name=legend)
    address.get_by_label("Street and number").fill(line1)
    address.get_by_label("Postal code").fill(postal_code)
    address.get_by_label("City").fill(city)
    address.get_by_label("Country").select_option("DE")


def test_i_a_corporate_client_sets_its_company_and_a_partner_manager_lists_it(pages, stack):
    register_by_api(stack, "lena@example.com", "Lena")
    page = pages.new()
    log_in(page, "lena@example.com", "/account")
    section = page.get_by_role("region", name="Company details")
    expect(section.get_by_text("Buying for a company?", exact=False)).to_be_visible()
    section.get_by_label("Legal name").fill("Sprachschule Berlin GmbH")
    section.get_by_label("Registration number").fill("HRB 12345")
    section.get_by_label("Registration date").fill("2001-02-03")
    fill_address(section, "Legal address", "Unter den Linden 1", "10117", "Berlin")
    fill_address(section, "Postal address", "Postfach 1234", "10001", "Berlin")
    section.get_by_label("Tax ID type").select_option("eu_vat")
    section.get_by_label("Tax ID number").fill("DE12")
    section.get_by_label("Contact phone (with country code)").fill("+49 30 1234567")
    section.get_by_label("Representative’s name").fill("Ada Lovelace")
    section.get_by_label("Representative’s position").fill("Director")
    section.get_by_role("button", name="Save the company details").click()

    # The refused field's message stands beside it, and nothing was saved.
    expect(section.locator("[data-error-for='tax_id']")).to_be_visible()
    expect(section.locator("[data-error-for]")).to_have_count(1)
    expect(section.get_by_label("Tax ID number")).to_have_attribute("aria-invalid", "true")
    # Chromium logs every refused request; this refusal is the expected one.
    refused = [e for e in pages.errors if "status of 422 (Unprocessable Entity)" in e]
    assert len(refused) == 1, pages.errors
    pages.errors.remove(refused[0])
    pages.check(page, "account-company-refused")

    section.get_by_label("Tax ID number").fill("DE123456789")
    section.get_by_role("button", name="Save the company details").click()
    expect(section.get_by_text("The company details are saved.")).to_be_visible()
    expect(section.get_by_text("Your account is a corporate client")).to_be_visible()
    expect(section.locator("[data-error-for]")).to_have_count(0)
    expect(section.locator("dl.company")).to_contain_text("DE123456789")
    expect(section.locator("dl.company")).to_contain_text("+49301234567")
    # Saved, not just shown: a reload reads it back.
    page.reload()
    section = page.get_by_role("region", name="Company details")
    expect(section.locator("dl.company")).to_contain_text("Sprachschule Berlin GmbH")
    expect(page.get_by_role("link", name="Corporate clients")).to_have_count(0)
    pages.check(page, "account-company")

    # A partner manager finds the company in the list; the menu shows the page only to the role.
    register_by_api(stack, "petra@example.com", "Petra")
    stack.operator("accounts", "set-roles", "petra@example.com", "user,partner_manager")
    manager = pages.new()
    log_in(manager, "petra@example.com", "/")
    manager.get_by_role("link", name="Corporate clients").click()
    expect(manager.get_by_role("heading", name="Corporate clients", level=1)).to_be_visible()
    listed = manager.get_by_role("region", name="Sprachschule Berlin GmbH")
    expect(listed.locator("dl.company")).to_contain_text("HRB 12345")
    expect(listed.locator("dl.company")).to_contain_text("Ada Lovelace, Director")
    expect(listed.get_by_text("No purchases yet.")).to_be_visible()
    pages.check(manager, "companies")


def pay_on_local_checkout(checkout_url):
    """Press Pay on the local checkout page, as the buyer's browser does (its form posts)."""
    with urllib.request.urlopen(urllib.request.Request(checkout_url + "/pay", data=b"", method="POST")) as paid:
        assert paid.status == 200


def test_i_a_company_buys_with_a_promotion_code_and_opens_its_invoices(pages, stack):
    register_by_api(stack, "mila@example.com", "Mila")
    page = pages.new()
    log_in(page, "mila@example.com", "/credits")
    # Not a company yet: no invoices, and where to become one.
    expect(page.get_by_text("Invoices are made out to companies", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name="Company details on your account page")).to_be_visible()

    status, tokens = stack.api("POST", "/v1/sessions", {"email": "mila@example.com", "password": PASSWORD})
    assert status == 200, tokens
    token = tokens["access_token"]
    company = json.loads(json.loads((ROOT / "events/set-company.json").read_text())["body"])
    company["legal_name"] = "Lernwerk Hamburg GmbH"
    status, _ = stack.api("PUT", "/v1/me/company", company, token=token)
    assert status == 200
    page.reload()
    expect(page.get_by_text("No invoices yet", exact=False)).to_be_visible()
    expect(page.get_by_role("table", name="Invoices")).to_have_count(0)

    # A code nobody made: refused beside the field, the code kept, the page not left.
    code = page.get_by_label("Promotion code (optional)")
    code.fill("NOSUCHCODE")
    page.get_by_role("button", name="Buy Starter").click()
    refusal = page.locator("[data-error-for='promotion_code']")
    expect(refusal).to_have_text("This promotion code is unknown, expired or used up.")
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_have_value("NOSUCHCODE")
    expect(page).to_have_url(re.compile("#/credits"))
    expect(page.locator(".error[role='alert']")).to_have_count(0)
    refused = [e for e in pages.errors if "status of 422 (Unprocessable Entity)" in e]
    assert len(refused) == 1, pages.errors
    pages.errors.remove(refused[0])
    pages.check(page, "credits-promotion-code-refused")

    # Twenty purchases paid earlier: their invoices fill the first page of the list.
    for _ in range(20):
        status, checkout = stack.api("POST", "/v1/checkout", {"tariff_id": "starter"}, token=token)
        assert status == 201, checkout
        pay_on_local_checkout(checkout["checkout_url"])

    # The operator's code: 10 % off, the tariff's full credits.
    stack.operator("promotion-codes", "add", "WELCOME10", "--percent-off", "10")
    code.fill("welcome10")
    expect(refusal).to_have_count(0)
    page.get_by_role("button", name="Buy Starter").click()
    expect(page).to_have_url(re.compile("/local/checkout/"))
    expect(page.get_by_text("100 credits for 8.91 EUR", exact=False)).to_be_visible()
    expect(page.get_by_text("0.99 EUR off 9.90 EUR", exact=False)).to_be_visible()
    page.get_by_role("button", name=re.compile("^Pay")).click()
    expect(page.get_by_text("credits were added")).to_be_visible()
    page.get_by_role("link", name="Back to Natives.Chat").click()
    expect(page.get_by_text("Your balance: 2100 credits")).to_be_visible()

    # The newest invoice is the discounted one; "more" brings the oldest.
    table = page.get_by_role("table", name="Invoices")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(20)
    newest = rows.first
    expect(newest).to_contain_text("€8.91")
    expect(newest).to_contain_text("€0.99 off")
    expect(newest).to_contain_text("Paid")
    expect(rows.nth(1)).to_contain_text("€9.90")
    expect(rows.nth(1)).not_to_contain_text("off")
    pages.check(page, "credits-invoices")
    # On a phone the list fits the screen: long invoice numbers wrap.
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    pages.check(page, "credits-invoices-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("button", name="Show older invoices").click()
    expect(rows).to_have_count(21)
    expect(page.get_by_role("button", name="Show older invoices")).to_have_count(0)
    numbers = rows.locator("td:first-child").all_inner_texts()
    assert len(set(numbers)) == 21, numbers

    # Its page: the company's invoice for what was paid.
    number = numbers[0]
    expect(newest.get_by_role("link", name=f"PDF of invoice {number}")).to_have_attribute(
        "href", re.compile(r"/local/invoices/.+\?print=1$"))
    newest.get_by_role("link", name=f"Invoice {number}", exact=True).click()
    expect(page).to_have_url(re.compile("/local/invoices/"))
    expect(page.get_by_role("heading", name=f"Invoice {number}")).to_be_visible()
    expect(page.get_by_text("Lernwerk Hamburg GmbH")).to_be_visible()
    expect(page.get_by_text("Amount paid: 8.91 EUR")).to_be_visible()
    expect(page.get_by_text("Discount: 0.99 EUR")).to_be_visible()

    # From the account page's company details, the invoices are a link away.
    page.goto("/#/account")
    page.get_by_role("region", name="Company details").get_by_role(
        "link", name="Your invoices, with your purchases on the credits page").click()
    expect(page.get_by_role("heading", name="Credits", level=1)).to_be_visible()
    expect(page.get_by_role("table", name="Invoices").locator("tbody tr")).to_have_count(20)


def test_j_a_thread_title_is_reported_and_hidden(pages, stack, world):
    register_by_api(stack, "dora@example.com", "Dora")
    thread_id = world["thread_url"].rsplit("/", 1)[1]
    status, thread = stack.api("GET", f"/v1/threads/{thread_id}")
    assert status == 200, thread

    # Dora reports the thread's title from its page.
    reader = pages.new()
    log_in(reader, "dora@example.com", world["thread_url"].split("#", 1)[1])
    expect(reader.get_by_text("Signed in as Dora")).to_be_visible()
    reader.get_by_role("button", name="Report the title").click()
    reader.get_by_label("What is wrong with it?").select_option("spam")
    reader.get_by_label("Comment (optional)").fill("The title advertises")
    reader.get_by_role("button", name="Send the report").click()
    expect(reader.get_by_text("the report reached the moderators")).to_be_visible()
    pages.check(reader, "thread-title-report")

    # The moderator finds the thread with its title in the queue, and hides it.
    moderator = pages.new()
    log_in(moderator, "mod@example.com", "/moderation")
    item = moderator.locator("article.queue-item")
    expect(item).to_have_count(1)
    expect(item).to_have_class(re.compile("thread"))
    expect(item.get_by_role("heading", level=2)).to_have_text(
        re.compile(r"^A thread title by .+ \(open reports: 1\)$")
    )
    expect(item.locator(".thread-title")).to_have_text(thread["title"])
    expect(item).to_contain_text("The title advertises")
    pages.check(moderator, "moderation-thread")
    item.get_by_label("Decision").select_option("hide")
    item.get_by_label(re.compile("^Reason")).fill("Advertising is against the terms.")
    item.get_by_role("button", name="Decide").click()
    expect(moderator.get_by_text("Decided: the thread is hidden; reports settled: 1.")).to_be_visible()

    # Dora's page, still open, hears of it live: the title and the messages leave it.
    expect(reader.locator("section.messages > *")).to_have_count(0)
    expect(reader.get_by_role("heading", level=1)).not_to_have_text(thread["title"])
    # (the page's two reads, the thread and its messages, were refused: 404 in the console)
    for _ in range(50):
        gone = [e for e in pages.errors if "status of 404 (Not Found)" in e]
        if len(gone) == 2:
            break
        reader.wait_for_timeout(100)
    assert len(gone) == 2, pages.errors
    for error in gone:
        pages.errors.remove(error)

    # Gone for readers, with its messages, and from its language's list.
    assert stack.api("GET", f"/v1/threads/{thread_id}")[0] == 404
    assert stack.api("GET", f"/v1/threads/{thread_id}/messages")[0] == 404
    status, listed = stack.api("GET", f"/v1/threads?language={thread['language']}")
    assert status == 200 and all(t["id"] != thread_id for t in listed["items"]), listed
    # The moderator still reads it, marked as hidden.
    moderator.goto(world["thread_url"])
    expect(moderator.get_by_role("heading", level=1)).to_have_text(thread["title"])
    expect(moderator.get_by_text(re.compile("This thread is hidden"))).to_be_visible()


def test_an_admin_destroys_a_removed_voice_recording(pages, stack, world):
    """Last: it destroys the shared thread's recording, which the journeys above play."""
    register_by_api(stack, "olga@example.com", "Olga")
    stack.operator("accounts", "set-roles", "olga@example.com", "user,moderator,admin")
    status, tokens = stack.api("POST", "/v1/sessions", {"email": "olga@example.com", "password": PASSWORD})
    assert status == 200
    token = tokens["access_token"]
    voice = world["voice_message_id"]
    status, message = stack.api("GET", f"/v1/messages/{voice}", token=token)
    assert status == 200 and "voice" in message, message
    status, _ = stack.api(
        "POST",
        f"/v1/moderation/messages/{voice}/actions",
        {"action": "remove", "reason": "It names a third person."},
        token=token,
    )
    assert status == 200

    page = pages.new()
    log_in(page, "olga@example.com", world["thread_url"].split("#", 1)[1])
    removed = page.locator("article.message").nth(2)
    removed.get_by_role("button", name="Destroy recording").click()
    removed.get_by_label("Legal basis").select_option("personal_data")
    removed.get_by_label("Reason (recorded in the audit log)").fill("The named person asked for erasure.")
    removed.get_by_role("button", name="Destroy the recording for good").click()
    expect(removed.get_by_text("The recording was destroyed.")).to_be_visible()

    status, _ = stack.api("GET", f"/v1/messages/{voice}/voice", token=token)
    assert status == 404
    status, message = stack.api("GET", f"/v1/messages/{voice}", token=token)
    assert status == 200 and "voice" not in message, message
    status, audit = stack.api("GET", "/v1/moderation/audit", token=token)
    assert any(entry["action"] == "recording.destroy" for entry in audit["items"]), audit


def test_k_a_minors_guardian_confirms_consent_from_the_e_mailed_link(pages, stack):
    # Kim is 15 and names a guardian: the account waits for the guardian's own say-so.
    terms = stack.api("GET", "/v1/terms")[1]
    status, account = stack.api("POST", "/v1/accounts", {
        "email": "kim15@example.com", "password": PASSWORD, "display_name": "Kim",
        "date_of_birth": f"{time.gmtime().tm_year - 15}-01-01", "country": "GB",
        "native_languages": ["en"], "learning_languages": ["de"],
        "accepted_terms_version": terms["version"],
        "guardian": {"name": "Pat", "email": "pat.guardian@example.com", "consent": True},
    })
    assert status == 201, account
    minor = pages.new()
    log_in(minor, "kim15@example.com", "/account")
    awaited = minor.get_by_role("status").filter(has_text="Guardian consent awaited")
    expect(awaited).to_be_visible()
    expect(awaited).to_contain_text("pat.guardian@example.com")
    pages.check(minor, "account-guardian-consent-awaited")

    # The guardian follows the e-mail's link (a path, as mail clients keep it).
    listed = subprocess.run(
        [str(LOCAL_BIN), "--data-dir", str(stack.data_dir), "outbox", "list", "--json"],
        check=True, capture_output=True, text=True,
    ).stdout
    emails = [json.loads(line) for line in listed.splitlines() if line.strip()]
    text = [e["text"] for e in emails if e["to"] == "pat.guardian@example.com"][-1]
    link = re.search(r"/guardian-consent\?account=[0-9A-Za-z]+&token=[0-9a-f]+", text).group(0)

    # A forged token is refused, clearly, and changes nothing.
    forged = pages.new()
    forged.goto(re.sub(r"token=[0-9a-f]+", "token=" + "0" * 64, link))
    forged.get_by_role("button", name="I am their parent or guardian, and I consent").click()
    expect(forged.get_by_role("alert")).to_contain_text("not valid")

    guardian = pages.new()
    guardian.goto(link)
    expect(guardian.get_by_role("heading", name="Consent for a minor's account", level=1)).to_be_visible()
    pages.check(guardian, "guardian-consent")
    guardian.get_by_role("button", name="I am their parent or guardian, and I consent").click()
    expect(guardian.get_by_text("consent was confirmed on", exact=False)).to_be_visible()

    # The same link again: it confirmed once, and says so.
    again = pages.new()
    again.goto(link)
    again.get_by_role("button", name="I am their parent or guardian, and I consent").click()
    expect(again.get_by_role("alert")).to_contain_text("confirmed already")
    # Chromium logs each refused request as a console error: these two refusals are the
    # answers this journey asked for (the page shows them), nothing else is let through.
    expected = re.compile(r"#/guardian-consent\?.*status of (422 \(Unprocessable Entity\)|409 \(Conflict\))")
    assert sum(bool(expected.search(e)) for e in pages.errors) == 2, pages.errors
    pages.errors[:] = [e for e in pages.errors if not expected.search(e)]

    minor.reload()
    expect(minor.get_by_role("heading", name="My account", level=1)).to_be_visible()
    expect(minor.get_by_text("Guardian consent awaited")).to_have_count(0)
