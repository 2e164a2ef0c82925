//! CSV as spreadsheets export it (the `csv` crate: quoting, embedded newlines, CRLF): one entry
//! per row, `question, answer, more phrasings…`. More phrasings are further columns, or one
//! column separated by `|` or newlines. A first row naming the columns is skipped. Rows are
//! numbered as the spreadsheet shows them (the header is row 1).

use super::ImportPreview;

fn is_header(record: &csv::StringRecord) -> bool {
    let first = record.get(0).map(|c| c.trim().to_ascii_lowercase());
    let second = record.get(1).map(|c| c.trim().to_ascii_lowercase());
    matches!(first.as_deref(), Some("question" | "questions" | "q"))
        && matches!(second.as_deref(), Some("answer" | "a" | "answers"))
}

pub fn parse_csv(input: &str) -> ImportPreview {
    let mut preview = ImportPreview::default();
    // A spreadsheet's UTF-8 export may start with a byte-order mark.
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    // Semicolons are what spreadsheets in many locales write; guess from the first line.
    let first_line = input.lines().next().unwrap_or_default();
    let delimiter = if first_line.matches(';').count() > first_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(input.as_bytes());
    let mut row = 0;
    for record in reader.records() {
        row += 1;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                preview.error(row, format!("not readable as CSV ({error})"));
                continue;
            }
        };
        if row == 1 && is_header(&record) {
            continue;
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() < 2 {
            preview.error(row, "needs a question and an answer");
            continue;
        }
        let mut questions = vec![record[0].to_string()];
        for more in record.iter().skip(2) {
            questions.extend(more.split(['|', '\n']).map(str::to_string));
        }
        preview.push(row, questions, &record[1]);
    }
    if preview.entries.is_empty() && preview.errors.is_empty() {
        preview.error(0, "no rows found");
    }
    preview
}
