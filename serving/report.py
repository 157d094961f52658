"""Writes the content team's report from the tracker store that endpoints.yml names (the SQLite
file of `make run`, or PostgreSQL with the SI_DB_* variables): a JSON file of the figures and a
self-contained HTML page with charts (si_joint/conversation_report.py says what is in them).

    python -m serving.report [--since 2026-11-01] [--until 2026-12-01] [--out reports]   (make report)

It only reads, in one transaction per query, so it runs while `make run` is serving; it sees what
the store keeps, and so what retention keeps. Nothing of the conversations goes to the log.
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import json
import os
import sys
from datetime import datetime, timezone
from itertools import groupby
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import yaml

from serving.endpoint_settings import with_endpoint_defaults
from si_joint import PROJECT_ROOT
from si_joint.conversation_report import build_report

DEFAULT_OUT = PROJECT_ROOT / "reports"


def stored_conversations(endpoints_file: Path) -> Iterator[List[Dict[str, Any]]]:
    """Every stored conversation's events, in order, read from the SQL store endpoints.yml names
    in one streamed query."""
    from serving.tracker_store import PrivateSQLTrackerStore

    os.environ.update(with_endpoint_defaults(os.environ))
    section = (yaml.safe_load(endpoints_file.read_text(encoding="utf-8")) or {}).get("tracker_store") or {}
    settings = {k: os.path.expandvars(v) if isinstance(v, str) else v for k, v in section.items() if k != "type"}
    store = PrivateSQLTrackerStore(**settings)
    event = store.SQLEvent
    with store.session_scope() as session:
        rows = session.query(event.sender_id, event.data).order_by(event.sender_id, event.id).yield_per(2000)
        for _, group in groupby(rows, key=lambda row: row[0]):
            yield [json.loads(data) for _, data in group if data]


def timestamp(day: Optional[str]) -> Optional[float]:
    if not day:
        return None
    return datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp()


def write_report(report: Dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    (out / "report.html").write_text(render_html(report), encoding="utf-8")


# --- HTML -------------------------------------------------------------------------------------------
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #1a1a1a;
       max-width: 60rem; margin: 0 auto; padding: 1rem; line-height: 1.45; }
h1 { color: #0b4f8a; } h2 { margin-top: 2rem; border-bottom: 1px solid #c4c9cf; }
table { border-collapse: collapse; margin: 0.5rem 0; } th, td { border: 1px solid #c4c9cf; padding: 0.25rem 0.6rem;
text-align: left; } td.n { text-align: right; } .examples { margin: 0.2rem 0 0.8rem 1rem; color: #333; }
img { max-width: 100%; } .note { color: #4a4a4a; font-size: 0.9rem; }
"""


def render_html(report: Dict[str, Any]) -> str:
    esc = html.escape
    period = report["period"]
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>SI joint assistant: conversations report</title><style>{STYLE}</style></head><body>",
        "<h1>SI joint assistant: what patients asked</h1>",
        f"<p>From {esc(str(period['from']))} to {esc(str(period['to']))}: "
        f"<strong>{report['conversations']}</strong> conversations, <strong>{report['turns']}</strong> messages.</p>",
        "<p class='note'>Only what the conversation store keeps (the retention period). Example questions are "
        "scrubbed of names, numbers, e-mail addresses, phone numbers and dates; emergencies are counts only.</p>",
        "<h2>How messages were answered</h2>",
        _table(["outcome", "messages"], report["outcomes"].items()),
        _chart_bar("Messages by outcome", report["outcomes"]),
        "<h2>Channels and languages</h2>",
        _table(["channel", "conversations", "messages"], _pairs(report["by_channel"])),
        _table(["language", "conversations", "messages"], _pairs(report["by_language"])),
        "<h2>Answers over time</h2>",
        _chart_line("Answers per day", report["answers_per_day"]),
        "<h2>Questions the page does not answer</h2>",
        _themes(report["unanswered_themes"]),
        _chart_bar("Top unanswered themes", {t["theme"][:40]: t["count"] for t in report["unanswered_themes"][:10]}),
        "<h2>Messages the assistant did not understand</h2>",
        _themes(report["fallback_themes"]),
        "<h2>Knowledge entries</h2>",
        _table(
            ["entry", "answered", "helpful", "not helpful", "asked next"],
            (
                (
                    e,
                    f["answered"],
                    f["helpful"],
                    f["not_helpful"],
                    ", ".join(f"{k} ({v})" for k, v in f["next"].items()),
                )
                for e, f in report["entries"].items()
            ),
        ),
        _chart_feedback(report["entries"]),
        "<h2>What was missing (after “not helpful”)</h2>",
        _themes(report["what_was_missing"]),
        "<h2>Emergencies</h2>",
        f"<p>{report['emergencies']['turns']} messages got urgent advice.</p>",
        _table(["warning sign", "messages"], report["emergencies"]["by_kind"].items()),
        _table(["channel", "messages"], report["emergencies"]["by_channel"].items()),
        "</body></html>",
    ]
    return "\n".join(parts)


def _named_counts(counts: Dict[str, int]) -> str:
    return ", ".join(f"{name} ({count})" for name, count in counts.items())


def _pairs(figures: Dict[str, Dict[str, int]]):
    return ((name, f["conversations"], f["turns"]) for name, f in figures.items())


def _table(header: List[str], rows) -> str:
    esc = html.escape
    head = "".join(f"<th scope='col'>{esc(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(f"<td class='n'>{v}</td>" if isinstance(v, int) else f"<td>{esc(str(v))}</td>" for v in row)
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body or '<tr><td>none</td></tr>'}</tbody></table>"


def _themes(themes: List[Dict[str, Any]]) -> str:
    if not themes:
        return "<p>None.</p>"
    esc = html.escape
    items = "".join(
        f"<li><strong>{esc(t['theme'])}</strong> ({t['count']})<ul class='examples'>"
        + "".join(f"<li>{esc(example)}</li>" for example in t["examples"])
        + "</ul></li>"
        for t in themes
    )
    return f"<ol>{items}</ol>"


def _figure(bars: int = 8):
    """A chart of about `bars` rows: a bar chart's height follows its bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(8, min(3.2, 0.9 + 0.35 * bars)), dpi=100)
    return plt, figure, axes


def _image(plt, figure, title: str) -> str:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    data = base64.b64encode(buffer.getvalue()).decode()
    return (
        f"<img alt='{html.escape(title)} (chart; the table above has the figures)' src='data:image/png;base64,{data}'>"
    )


def _chart_bar(title: str, values: Dict[str, int]) -> str:
    if not values:
        return ""
    plt, figure, axes = _figure(len(values))
    names = list(values)[::-1]
    axes.barh(names, [values[n] for n in names], color="#0b4f8a")
    axes.set_title(title)
    return _image(plt, figure, title)


def _chart_line(title: str, per_day: Dict[str, int]) -> str:
    if not per_day:
        return "<p>None.</p>"
    plt, figure, axes = _figure()
    days = sorted(per_day)
    axes.plot(days, [per_day[d] for d in days], marker="o", color="#0b4f8a")
    axes.set_title(title)
    axes.tick_params(axis="x", labelrotation=45, labelsize=7)
    return _image(plt, figure, title)


def _chart_feedback(entries: Dict[str, Dict[str, Any]]) -> str:
    rated = {e: f for e, f in entries.items() if f["helpful"] or f["not_helpful"]}
    if not rated:
        return "<p>No feedback yet.</p>"
    plt, figure, axes = _figure(len(rated))
    names = list(rated)[::-1]
    yes = [rated[n]["helpful"] for n in names]
    axes.barh(names, yes, color="#2e7d32", label="helpful")
    axes.barh(names, [rated[n]["not_helpful"] for n in names], left=yes, color="#c62828", label="not helpful")
    axes.legend()
    axes.set_title("Helpfulness per entry")
    return _image(plt, figure, "Helpfulness per entry")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoints", type=Path, default=PROJECT_ROOT / "endpoints.yml")
    parser.add_argument("--since", help="first day, YYYY-MM-DD (default: everything kept)")
    parser.add_argument("--until", help="the day after the last, YYYY-MM-DD")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        since, until = timestamp(args.since), timestamp(args.until)
    except ValueError as error:
        print(f"--since/--until: {error}", file=sys.stderr)
        return 2
    report = build_report(stored_conversations(args.endpoints), since, until)
    write_report(report, args.out)
    print(f"{report['conversations']} conversations: {args.out / 'report.html'} and {args.out / 'report.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
