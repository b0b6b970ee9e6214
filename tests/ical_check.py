"""Parses an iCalendar feed from stdin with the `icalendar` library and prints its events as
JSON (used by tests/it/work.rs: a real iCalendar parser must accept the feed)."""
import datetime
import json
import sys

import icalendar

cal = icalendar.Calendar.from_ical(sys.stdin.read())
out = []
for ev in cal.walk("VEVENT"):
    start = ev.decoded("DTSTART")
    end = ev.decoded("DTEND") if "DTEND" in ev else None

    def iso(v):
        if v is None:
            return None
        if isinstance(v, datetime.datetime):
            return v.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return v.isoformat()

    out.append({
        "uid": str(ev.get("UID")),
        "summary": str(ev.get("SUMMARY")),
        "start": iso(start),
        "end": iso(end),
        "status": str(ev.get("STATUS", "")),
        "location": str(ev.get("LOCATION", "")),
    })
print(json.dumps({"name": str(cal.get("X-WR-CALNAME", cal.get("NAME", ""))), "events": out}))
