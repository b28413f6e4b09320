//! The marker lines around a generated block. A block is every line after the line that
//! holds `BEGIN GENERATED <name>` and before the line that holds `END GENERATED <name>`;
//! the marker lines themselves are written by hand, as a comment of the file's syntax
//! (`# …` in YAML, `<!-- … -->` in Markdown), and say where the block comes from.

/// `text` with the block `name` replaced by `body` (whole lines: `body` ends with a
/// newline unless it is empty).
pub fn splice(text: &str, name: &str, body: &str) -> Result<String, String> {
    let begin = marker_line(text, "BEGIN", name)?;
    let end = marker_line(text, "END", name)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    if end <= begin {
        return Err(format!("END GENERATED {name} comes before its BEGIN"));
    }
    let mut out: String = lines[..=begin].concat();
    out.push_str(body);
    out.push_str(&lines[end..].concat());
    Ok(out)
}

/// The index of the one line that holds `<which> GENERATED <name>` (followed by the end of
/// the line, a space, a colon or `-->`, so one name is never a prefix of another).
fn marker_line(text: &str, which: &str, name: &str) -> Result<usize, String> {
    let marker = format!("{which} GENERATED {name}");
    let found: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            line.match_indices(&marker).any(|(at, _)| {
                let rest = &line[at + marker.len()..];
                rest.is_empty() || rest.starts_with([' ', ':'])
            })
        })
        .map(|(index, _)| index)
        .collect();
    match found.as_slice() {
        [index] => Ok(*index),
        [] => Err(format!("no line marks {marker}")),
        _ => Err(format!("{} lines mark {marker}", found.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_lines_between_the_markers_only() {
        let text = "a\n# BEGIN GENERATED x: from y\nold\nold\n# END GENERATED x\nb\n";
        assert_eq!(
            splice(text, "x", "new\n").unwrap(),
            "a\n# BEGIN GENERATED x: from y\nnew\n# END GENERATED x\nb\n"
        );
        assert_eq!(
            splice(text, "x", "").unwrap(),
            "a\n# BEGIN GENERATED x: from y\n# END GENERATED x\nb\n"
        );
        let markdown = "<!-- BEGIN GENERATED t -->\n|a|\n<!-- END GENERATED t -->\n";
        assert_eq!(
            splice(markdown, "t", "|b|\n").unwrap(),
            "<!-- BEGIN GENERATED t -->\n|b|\n<!-- END GENERATED t -->\n"
        );
    }

    #[test]
    fn a_missing_doubled_or_reversed_marker_is_an_error() {
        assert!(splice("a\n", "x", "").is_err());
        assert!(splice("# BEGIN GENERATED x\n", "x", "").is_err());
        assert!(splice("# END GENERATED x\n# BEGIN GENERATED x\n", "x", "").is_err());
        let doubled = "# BEGIN GENERATED x\n# BEGIN GENERATED x\n# END GENERATED x\n";
        assert!(splice(doubled, "x", "").is_err());
        // One name is not a prefix of another.
        let other = "# BEGIN GENERATED x-y\n# END GENERATED x-y\n";
        assert!(splice(other, "x", "").is_err());
    }
}
