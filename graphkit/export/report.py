"""The operations report: one self-contained HTML page an analyst opens first after a run.

:func:`render_report` reads a run's output folder (``scores.csv``, ``clusters.csv``,
``manifest.json`` and, when present, ``rejects.csv``) and writes ``report.html`` beside them:
what the run read and kept, the top targets of each entity type grouped by immigration office and
city for operation planning (each linked to its graph page), the clusters, and the score
distribution as an inline SVG chart. The page runs no script and loads nothing: its
Content-Security-Policy forbids both. Every text from the data is HTML-escaped.

Examples
--------
>>> import json, tempfile
>>> from pathlib import Path
>>> import pandas as pd
>>> out = Path(tempfile.mkdtemp())
>>> pd.DataFrame([{"entity_type": "EMPLOYER", "entity_id": "employers:E02", "source_ids": "employers:E02",
...     "name": "CV Kopi Lahat Sejahtera", "score": 91, "rank": 1, "office": "Kantor Imigrasi Lahat",
...     "city": "Lahat", "graph": "", "reasons": "VISIT_WORKFORCE: 4 workers on visit permits (evidence 4)"}]
...     ).to_csv(out / "scores.csv", index=False)
>>> pd.DataFrame(columns=["cluster_id", "kind", "size", "score", "members", "reasons"]).to_csv(out / "clusters.csv", index=False)
>>> _ = (out / "manifest.json").write_text(json.dumps({"run_id": "r1", "backend": "memory", "rule_set_version": "1"}))
>>> page = render_report(out).read_text(encoding="utf-8")
>>> "CV Kopi Lahat Sejahtera" in page, "leads for human review" in page, "<script" in page
(True, True, False)
"""

from __future__ import annotations

import io
import json
import re
from html import escape
from pathlib import Path, PurePosixPath
from urllib.parse import quote

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from graphkit.errors import GraphkitError
from graphkit.export.tables import atomic_write, read_csv

ENTITY_TYPES = ("EMPLOYER", "SPONSOR", "ADDRESS", "PERSON", "NETWORK")
MEMBERS_SHOWN = 12
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
body { font-family: sans-serif; color: #222; margin: 16px 24px; max-width: 1400px; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05em; margin-top: 1.2em; } h4 { font-size: 0.95em; margin: 1em 0 0.3em; color: #444; }
table { border-collapse: collapse; margin: 4px 0 10px; font-size: 0.88em; }
th, td { border: 1px solid #ddd; padding: 3px 7px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
ul.reasons { margin: 0; padding-left: 1.1em; }
.note { background: #fff8e1; border: 1px solid #f0d58c; padding: 8px 12px; max-width: 60em; }
.muted { color: #666; } code { font-size: 0.95em; word-break: break-all; }
"""


def _text(value) -> str:
    """Any value as escaped text; missing values as empty."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (dict, list)):
        value = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return escape(str(value), quote=True)


def _number(value) -> str:
    number = pd.to_numeric(value, errors="coerce")
    return "" if pd.isna(number) else f"{float(number):g}"


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    """An HTML table from cells that are already escaped HTML; no header row when ``headers`` is empty."""
    head = "<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in headers) + "</tr></thead>" if headers else ""
    body = "".join(
        "<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table>{head}<tbody>{body}</tbody></table>"


def _reasons(text: str) -> str:
    items = [r.strip() for r in str(text).split("; ") if r.strip()]
    return '<ul class="reasons">' + "".join(f"<li>{_text(r)}</li>" for r in items) + "</ul>" if items else ""


def _read_csv(path: Path, required: bool) -> pd.DataFrame | None:
    if not path.is_file():
        if required:
            raise GraphkitError(f"{path}: not found; run scoring into this folder before rendering the report")
        return None
    return read_csv(path)


def _graph_link(out_dir: Path, target: str) -> str:
    """A link to a target's graph page: only a relative path inside ``out_dir`` to an existing file."""
    path = PurePosixPath(target)
    if (not target or ":" in target or "\\" in target or path.is_absolute() or ".." in path.parts
            or not (out_dir / path).is_file()):
        return ""
    return f'<a href="{escape(quote(str(path)), quote=True)}">graph</a>'


def _targets(scores: pd.DataFrame, out_dir: Path, top: int) -> str:
    """Top ``top`` of each entity type, grouped by office and city (groups ordered by their best rank)."""
    if scores.empty:
        return "<p>No entity was scored in this run.</p>"
    scores = scores.assign(_rank=pd.to_numeric(scores["rank"], errors="coerce"),
                           _score=pd.to_numeric(scores["score"], errors="coerce"))
    for col in ("office", "city", "graph", "name", "reasons"):
        if col not in scores.columns:
            scores[col] = ""
    types = [t for t in ENTITY_TYPES if t in set(scores["entity_type"])]
    types += sorted(set(scores["entity_type"]) - set(types))
    parts = []
    chosen = []
    for etype in types:
        of_type = scores[scores["entity_type"] == etype].sort_values(["_rank", "entity_id"], kind="stable")
        best = of_type.head(top)
        chosen.append(best)
        parts.append(f'<h3 id="type-{_text(etype)}">{_text(etype)}: top {len(best)} of {len(of_type)} scored</h3>')
        groups = best.groupby(["office", "city"], sort=False)
        for (office, city), group in sorted(groups, key=lambda kv: (kv[1]["_rank"].min(), kv[0])):
            where = " \u00b7 ".join(x for x in (office or "no office recorded", city or "no city recorded"))
            rows = [[_number(r["_rank"]), _number(r["_score"]), _text(r["name"]), f"<code>{_text(r['entity_id'])}</code>",
                     _reasons(r["reasons"]), _graph_link(out_dir, r["graph"])]
                    for _, r in group.iterrows()]
            parts.append(f"<h4>{_text(where)} ({len(group)})</h4>"
                         + _table(["rank", "score", "name", "entity", "reasons", "graph"], rows, {0, 1}))
    return _planning(pd.concat(chosen), types) + "".join(parts)


def _planning(chosen: pd.DataFrame, types: list[str]) -> str:
    """Leads per office and city among the shown targets: where to plan operations."""
    counts = chosen.groupby(["office", "city", "entity_type"]).size().unstack("entity_type", fill_value=0)
    counts = counts.reindex(columns=types, fill_value=0)
    counts = counts.assign(_total=counts.sum(axis=1)).sort_values("_total", ascending=False, kind="stable")
    rows = [[_text(office or "no office recorded"), _text(city or "no city recorded"),
             *[str(int(row[t])) for t in types], str(int(row["_total"]))]
            for (office, city), row in counts.iterrows()]
    return ("<h3>Leads per office and city (shown targets)</h3>"
            + _table(["office", "city", *types, "total"], rows, set(range(2, 3 + len(types)))))


def _clusters(clusters: pd.DataFrame | None) -> str:
    if clusters is None:
        return "<p>This run wrote no clusters.csv.</p>"
    if clusters.empty:
        return "<p>No clusters were detected.</p>"
    clusters = clusters.assign(_score=pd.to_numeric(clusters["score"], errors="coerce"))
    clusters = clusters.sort_values(["_score", "cluster_id"], ascending=[False, True], kind="stable")
    rows = []
    for _, r in clusters.iterrows():
        members = [m for m in str(r["members"]).split(";") if m]
        shown = ", ".join(members[:MEMBERS_SHOWN])
        more = f" and {len(members) - MEMBERS_SHOWN} more" if len(members) > MEMBERS_SHOWN else ""
        rows.append([f"<code>{_text(r['cluster_id'])}</code>", _text(r["kind"]), _number(r["size"]), _number(r["_score"]),
                     f"<code>{_text(shown)}</code>{_text(more)}", _reasons(r["reasons"])])
    return _table(["cluster", "kind", "size", "score", "members", "reasons"], rows, {2, 3})


def _chart(scores: pd.DataFrame) -> str:
    """Histogram of scores per entity type as inline SVG: text drawn as paths, no links, no comments."""
    values = scores.assign(_score=pd.to_numeric(scores["score"], errors="coerce")).dropna(subset=["_score"])
    if values.empty:
        return ""
    types = [t for t in ENTITY_TYPES if t in set(values["entity_type"])]
    types += sorted(set(values["entity_type"]) - set(types))
    with matplotlib.rc_context({"svg.hashsalt": "graphkit", "svg.fonttype": "path", "font.size": 8}):
        # a Figure on an Agg canvas, not pyplot: the caller's backend and figures stay untouched
        fig = Figure(figsize=(7, 1.3 * len(types) + 0.4))
        FigureCanvasAgg(fig)
        axes = fig.subplots(len(types), 1, sharex=True, squeeze=False)
        for ax, etype in zip(axes[:, 0], types):
            ax.hist(values.loc[values["entity_type"] == etype, "_score"], bins=range(0, 105, 5), color="#4e79a7")
            ax.set_ylabel("entities", parse_math=False)
            ax.set_title(f"{etype}: {int((values['entity_type'] == etype).sum())} scored", loc="left", parse_math=False)
        axes[-1, 0].set_xlabel("score", parse_math=False)
        axes[-1, 0].set_xlim(0, 100)
        fig.tight_layout()
        buf = io.StringIO()
        fig.savefig(buf, format="svg", metadata={"Date": None})
    svg = buf.getvalue()
    svg = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<metadata>.*?</metadata>|<!--.*?-->", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)
    return svg.replace("<svg ", '<svg role="img" aria-label="score distribution per entity type" ', 1).strip()


def _summary(manifest: dict, rejects: pd.DataFrame | None) -> tuple[str, str]:
    """The short run summary for the top of the page, and the run details for its end."""
    facts = [("run", manifest.get("run_id")), ("started", manifest.get("started_at")),
             ("finished", manifest.get("finished_at")), ("backend", manifest.get("backend")),
             ("rule set version", manifest.get("rule_set_version")), ("graphkit", manifest.get("graphkit_version")),
             ("data contract", manifest.get("contract_version"))]
    scored = manifest.get("scored") or {}
    facts.append(("scored", ", ".join(f"{k} {v}" for k, v in scored.items())))
    facts.append(("purpose", manifest.get("purpose")))
    changes = manifest.get("changes") or {}
    if changes:
        counts = ", ".join(f"{k} {v}" for k, v in (changes.get("counts") or {}).items())
        facts.append(("changes", f"since run {changes.get('previous_run_id') or '(none: first run)'}: {counts}"))
    summary = _table([], [[_text(k), _text(v)] for k, v in facts if v not in (None, "")])

    inputs = manifest.get("inputs") or {}
    rows = manifest.get("rows") or {}
    details = ["<h3>Inputs</h3>", _table(
        ["table", "file", "format", "sha256", "read", "accepted", "rejected"],
        [[_text(t), _text(i.get("file")), _text(i.get("format")), f"<code>{_text(i.get('sha256'))}</code>",
          *[_text((rows.get(t) or {}).get(k)) for k in ("read", "accepted", "rejected")]]
         for t, i in inputs.items()], {4, 5, 6})]
    details.append("<h3>Rejected rows by reason</h3>")
    if rejects is None:
        details.append("<p>This run wrote no rejects.csv.</p>")
    elif rejects.empty:
        details.append("<p>No row was rejected.</p>")
    else:
        counts = rejects.groupby(["table", "reason"]).size().reset_index(name="rows")
        details.append(_table(["table", "reason", "rows"],
                              [[_text(r["table"]), _text(r["reason"]), str(r["rows"])] for _, r in counts.iterrows()], {2}))
    details += ["<h3>Timings</h3>", _table(["stage", "seconds"],
                [[_text(k), _text(v)] for k, v in (manifest.get("timings") or {}).items()], {1})]
    details += ["<h3>Parameters</h3>", _table(["parameter", "value"],
                [[_text(k), _text(v)] for k, v in (manifest.get("parameters") or {}).items()])]
    return summary, "".join(details)


def _changes(changes: pd.DataFrame | None) -> str:
    """The "changes since the last run" section of a scheduled run (nothing without changes.csv)."""
    if changes is None:
        return ""
    from graphkit.changes import changes_summary

    summary = changes_summary(changes.assign(score_now=pd.to_numeric(changes["score_now"], errors="coerce")))
    parts = ["<h2>Changes since the last run</h2>",
             _table(["change", "leads"], [[_text(k), _text(v)] for k, v in summary["counts"].items()], numeric={1})]
    for kind in ("new", "escalated"):
        rows = [[_text(r["entity_type"]), _text(r["name"]), f"<code>{_text(r['entity_id'])}</code>",
                 _text(r["band_before"] or "-") + " &rarr; " + _text(r["band_now"]), _number(r["score_now"])]
                for r in summary[kind]]
        if rows:
            parts.append(f"<h3>{kind.capitalize()} leads</h3>")
            parts.append(_table(["type", "name", "entity", "band", "score"], rows, numeric={4}))
    return "\n".join(parts)


def render_report(out_dir: str | Path, top: int = 25) -> Path:
    """Write ``out_dir/report.html`` from the run outputs in ``out_dir`` and return its path.

    Parameters
    ----------
    out_dir : path
        A run's output folder: ``scores.csv`` and ``manifest.json`` must be there;
        ``clusters.csv`` and ``rejects.csv`` are shown when present. ``scores.csv`` may carry
        ``office``, ``city`` and ``graph`` (a relative path to the target's graph page).
    top : int
        How many targets of each entity type to list, best rank first.

    Returns
    -------
    pathlib.Path
        The report, written atomically. The same inputs give the same bytes.
    """
    out_dir = Path(out_dir)
    scores = _read_csv(out_dir / "scores.csv", required=True)
    clusters = _read_csv(out_dir / "clusters.csv", required=False)
    rejects = _read_csv(out_dir / "rejects.csv", required=False)
    manifest_path = out_dir / "manifest.json"
    if not manifest_path.is_file():
        raise GraphkitError(f"{manifest_path}: not found; render the report from a run's output folder")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    summary, details = _summary(manifest, rejects)
    title = f"graphkit operations report, run {manifest.get('run_id', '')}"
    page = "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_text(title)}</h1>",
        '<p class="note">Scores are leads for human review, not findings. Each lists the rules that raised it'
        " and their evidence; check the evidence, and the people involved may themselves be victims of"
        " exploitation. No score uses nationality, ethnicity, religion, sex or age.</p>",
        summary,
        _changes(_read_csv(out_dir / "changes.csv", required=False)),
        "<h2>Top targets</h2>",
        _targets(scores, out_dir, top),
        "<h2>Clusters</h2>",
        _clusters(clusters),
        "<h2>Score distribution</h2>",
        _chart(scores),
        "<h2>Run details</h2>",
        details,
        "</body>",
        "</html>",
        "",
    ])
    return atomic_write(out_dir / "report.html", page)
