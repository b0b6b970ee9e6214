//! Migration: feed entries keep data, not sentences. Until this step the server wrote some
//! entries' `text` itself — "imported 12 companies" for a batch, the task's title for task
//! entries — so a reader saw them in whatever language they were written in. From this step
//! `text` holds only what a person wrote (a post, a comment) and the sentence is rendered in the
//! reader's language when read. Works on the stored shape of an entry as it was at schema 1
//! (MessagePack with named fields, read as a JSON value), so later changes to the feed's types
//! cannot change what this step does.

use redb::{ReadableTable, WriteTransaction};
use serde_json::Value;

use super::{codec, tables::FEED};
use crate::error::{Ctx, Result};

/// The migration's name (tests find the step by it).
pub const WHAT: &str = "feed entries keep data, not sentences";

/// Rewrites every entry whose `text` the server wrote: task entries move the title into
/// `data.title`; records created, stage moves and conversions drop the sentence.
pub fn run(txn: &WriteTransaction) -> Result<()> {
    let mut t = txn.open_table(FEED).ctx("open feed")?;
    let mut changed: Vec<(u64, Vec<u8>)> = Vec::new();
    for row in t.iter().ctx("read feed")? {
        let (k, v) = row.ctx("read feed")?;
        let mut entry: Value = codec::decode(v.value(), "feed item")?;
        if rewrite(&mut entry) {
            changed.push((k.value(), codec::encode(&entry)?));
        }
    }
    for (id, bytes) in changed {
        t.insert(id, bytes.as_slice()).ctx("write feed")?;
    }
    Ok(())
}

/// Brings one stored entry to the data form; false when it already is.
fn rewrite(entry: &mut Value) -> bool {
    let Some(obj) = entry.as_object_mut() else {
        return false;
    };
    let kind = obj.get("type").and_then(Value::as_str).unwrap_or_default();
    let text = obj
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if text.is_empty() {
        return false;
    }
    match kind {
        "task_created" | "task_completed" | "task_overdue" => {
            let data = obj
                .entry("data")
                .or_insert_with(|| Value::Object(Default::default()));
            if !data.is_object() {
                *data = Value::Object(Default::default());
            }
            if let Some(d) = data.as_object_mut() {
                d.entry("title").or_insert(Value::String(text));
            }
        }
        "created" | "stage_moved" | "won" | "lost" | "lead_converted" => {}
        // A post or a comment: a person's words stay.
        _ => return false,
    }
    obj.insert("text".into(), Value::String(String::new()));
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn server_sentences_leave_and_a_persons_words_stay() {
        let mut batch =
            json!({"type": "created", "text": "imported 12 companies", "data": {"count": "12"}});
        assert!(rewrite(&mut batch));
        assert_eq!(batch["text"], "");
        assert_eq!(batch["data"]["count"], "12");

        let mut task = json!({"type": "task_overdue", "text": "Звіт", "data": {}});
        assert!(rewrite(&mut task));
        assert_eq!(
            task,
            json!({"type": "task_overdue", "text": "", "data": {"title": "Звіт"}})
        );

        for kind in ["post", "comment"] {
            let mut e = json!({"type": kind, "text": "Привіт", "data": {}});
            assert!(!rewrite(&mut e));
            assert_eq!(e["text"], "Привіт");
        }
        let mut done = json!({"type": "task_created", "text": "", "data": {"title": "Звіт"}});
        assert!(
            !rewrite(&mut done),
            "an entry in the data form is left alone"
        );
    }
}
