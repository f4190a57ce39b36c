"""Notebook ergonomics: an employer's file, its timeline, its one-page summary, graphs inline.

What an analyst opens in Jupyter after a run, each a plain function over the run's
:class:`~graphkit.scoring.ScoreResult` (or its store):

- :func:`show_graph` draws an entity's interactive neighbourhood in the notebook itself: the
  same self-contained, offline page as ``graphs/*.html``, inside a sandboxed ``<iframe srcdoc>``.
- :func:`employer_profile` gathers what an investigator reads about one employer: its workforce by
  permit type and employment source, the sponsors behind its workers' permits, its addresses and
  where its workers live, and its shared links to other employers. It renders as HTML tables.
- :func:`timeline` plots each worker's employment and permit validity (matplotlib).
- :func:`employer_summary` writes all of that as a one-page HTML file to attach to a case.

Everything shown is what the indicators saw (canonical ids after entity resolution); names of
people are not in it, only ids. Scores are leads for human review, not findings.

Examples
--------
>>> import graphkit
>>> store = graphkit.MemoryStore()
>>> data = graphkit.load_folder(graphkit.datasets.tiny_path())
>>> _ = store.load(data.tables)
>>> result = graphkit.score_tables(store.tables(), as_of="2026-11-01")
>>> profile = employer_profile(result, "employers:E02")
>>> profile.name, profile.source_ids
('CV Kopi Lahat Sejahtera', 'employers:E02')
>>> int(profile.permits_by_source.loc["VISIT", "workers"]), int(profile.permits_by_source.loc["all", "workers"])
(5, 7)
>>> frame = show_graph(store, "employers:E02", scores=result.scores)
>>> frame.data.startswith("<div"), "cdnjs" in frame.data
(True, False)
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from dataclasses import dataclass
from pathlib import Path

from typing import TYPE_CHECKING

import matplotlib.dates as mdates
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from graphkit.errors import GraphkitError
from graphkit.export.graphs import export_graph
from graphkit.export.tables import atomic_write
from graphkit.indicators import network_shell
from graphkit.privacy import Pseudonymiser
from graphkit.scoring import ScoreResult

if TYPE_CHECKING:
    from IPython.display import HTML

__all__ = ["EmployerProfile", "employer_profile", "employer_summary", "show_graph", "timeline"]

NOTE = ("A lead for human review, not a finding. Many people found working on visit permits are themselves "
        "exploited (documents kept, wages withheld, crowded housing): the evidence should help tell victims "
        "from organisers.")
NO_SPONSOR = "(no sponsor)"
NO_PERMIT = "(no permit)"
PERMIT_COLOURS = {"VISIT": "#e15759", "LIMITED_STAY": "#59a14f", "PERMANENT": "#4e79a7"}
SOURCE_COLOURS = {"WORK_PERMIT": "#222222", "INSPECTION": "#f28e2b", "REPORT": "#9c4f96"}
WORKERS_SHOWN = 50
PERMIT_ORDER = {"VISIT": 0, NO_PERMIT: 1, "LIMITED_STAY": 2, "PERMANENT": 3}


# --------------------------------------------------------------------------------------------
# graphs inline


def show_graph(store, entity_id: str, scores: pd.DataFrame | None = None, hops: int = 2, cap: int = 300,
               height: int = 600) -> HTML:
    """An entity's interactive neighbourhood graph, drawn inline in a Jupyter notebook.

    The page is exactly what :func:`graphkit.export_graph` writes (vis-network inlined, no
    request leaves it, every data text escaped, capped with "and N more" nodes), passed to a
    sandboxed ``<iframe>`` (scripts, but no access to the notebook) through its ``srcdoc``
    attribute, HTML-escaped for that attribute (the notebook page must be UTF-8, as Jupyter's
    pages are).

    Parameters
    ----------
    store : GraphStore
        The run's store, e.g. ``run.load.store``.
    entity_id : str
        ``table:id`` (``employers:E01``), or with ``scores`` any ``entity_id`` of it, including a
        ``network:N0001`` whose member employers become the seeds.
    scores : pandas.DataFrame, optional
        ``result.scores``: adds the target's score and reasons and colours every scored node.
    hops, cap : int
        How far to walk from the target, and the most nodes to draw.
    height : int
        Height of the frame in pixels.

    Returns
    -------
    IPython.display.HTML
        Displays the graph when it is a cell's last value.

    Examples
    --------
    >>> import graphkit
    >>> store = graphkit.MemoryStore()
    >>> _ = store.load(graphkit.load_folder(graphkit.datasets.tiny_path()).tables)
    >>> frame = show_graph(store, "employers:E02", hops=1, height=400)
    >>> 'sandbox="allow-scripts"' in frame.data, "height: 400px" in frame.data
    (True, True)
    >>> import html, re
    >>> page = html.unescape(re.search(r'srcdoc="([^"]*)"', frame.data).group(1))
    >>> page == graphkit.export_graph(store, "employers:E02", hops=1)
    True
    """
    from IPython.display import HTML  # Jupyter brings IPython; the rest of graphkit does not need it

    page = export_graph(store, entity_id, hops=hops, scores=scores, cap=cap)
    # a raw CR would become LF when the attribute is parsed, changing the scripts' CSP hashes
    srcdoc = html.escape(page, quote=True).replace("\r", "&#13;")
    return HTML(
        f'<div class="graphkit-graph"><iframe srcdoc="{srcdoc}"'
        f' title="graph of {html.escape(entity_id, quote=True)}" sandbox="allow-scripts"'
        f' style="width: 100%; height: {int(height)}px; border: 1px solid #ccc;"></iframe></div>'
    )


# --------------------------------------------------------------------------------------------
# an employer's file


@dataclass
class EmployerProfile:
    """What an investigator reads about one employer; made by :func:`employer_profile`.

    Attributes
    ----------
    entity_id, name : str
        The canonical employer and its name.
    source_ids : str
        Every input record merged into it (``employers:E12;sponsors:S40``).
    score, rank : float, int or None
        Its score and rank among employers (None when it has no reason to be scored).
    reasons : list of str
        The score's reasons, strongest first, each with its evidence count.
    workforce : pandas.DataFrame
        One row per worker (canonical person) ever recorded working there.
    permits_by_source : pandas.DataFrame
        Current workers by latest permit type (rows) and how their work is known (columns).
    sponsors : pandas.DataFrame
        The sponsors of the workers' permits, and whether the employer is one of them.
    addresses : pandas.DataFrame
        The employer's own addresses and the addresses where its workers live.
    links : pandas.DataFrame
        Its rows of the shell-network projection: ties to other employers.
    """

    entity_id: str
    name: str
    source_ids: str
    score: float | None
    rank: int | None
    reasons: list[str]
    workforce: pd.DataFrame
    permits_by_source: pd.DataFrame
    sponsors: pd.DataFrame
    addresses: pd.DataFrame
    links: pd.DataFrame
    as_of: dt.date

    @property
    def title(self) -> str:
        scored = f": score {self.score:g}, rank {self.rank}" if self.score is not None else ": not scored"
        return f"EMPLOYER {self.name} ({self.entity_id}){scored}"

    def _repr_html_(self) -> str:
        return _profile_html(self, WORKERS_SHOWN)


def _one(frame: pd.DataFrame, column: str, value: str) -> pd.Series | None:
    rows = frame[frame[column] == value]
    return None if rows.empty else rows.iloc[0]


def _canonical_org(result: ScoreResult, entity_id: str) -> str:
    ctx = result.context
    if entity_id in ctx.orgs.index:
        return entity_id
    canon = ctx.resolution.organisation.get(entity_id)
    if canon is None or canon not in ctx.orgs.index:
        raise GraphkitError(f"unknown employer {entity_id!r}: pass an entity_id of result.scores, e.g. employers:E12")
    return canon


def employer_profile(result: ScoreResult, entity_id: str) -> EmployerProfile:
    """Gather one employer's workforce, sponsors, addresses and links to other employers.

    Parameters
    ----------
    result : ScoreResult
        A run's result (``run.result`` or :func:`graphkit.score_tables`).
    entity_id : str
        The employer's ``entity_id`` in ``result.scores``; any record merged into it
        (``sponsors:S40``) works too.

    Returns
    -------
    EmployerProfile
        Renders as HTML tables in Jupyter; each table is also a DataFrame attribute.

    Notes
    -----
    ``workforce`` columns: ``worker`` (canonical person id), ``records`` (person rows merged into
    them), ``seen_as`` (employment sources: WORK_PERMIT registration, INSPECTION, REPORT),
    ``since``/``until``, ``current`` (ended within the look-back), ``permit``/``purpose`` (their
    latest permit), ``permit_valid`` (any permit valid on the as-of day), ``permit_expires``,
    ``permit_sponsor`` (of the latest permit), ``sponsored_here`` (any permit sponsored by this
    employer), ``lives_at`` (last reported address) and ``evidence_for`` (indicator codes that cite
    the worker as evidence against this employer).

    Examples
    --------
    >>> import graphkit
    >>> result = graphkit.score_tables(graphkit.load_folder(graphkit.datasets.tiny_path()).tables, as_of="2026-11-01")
    >>> p = employer_profile(result, "employers:E02")
    >>> [r.split(":")[0] for r in p.reasons if r.startswith("EMP_")]
    ['EMP_VISIT_WORKFORCE']
    >>> p.workforce[["worker", "permit", "seen_as"]].head(2).values.tolist()
    [['persons:P10', 'VISIT', 'INSPECTION'], ['persons:P11', 'VISIT', 'INSPECTION']]
    >>> p.links[["other", "sponsor"]].values.tolist()
    [['employers:E03', 1], ['employers:E04', 1]]
    """
    ctx = result.context
    org = _canonical_org(result, entity_id)
    row = _one(result.scores[result.scores["entity_type"] == "EMPLOYER"], "entity_id", org)
    org_name = ctx.orgs["name"]
    score_of = result.scores.set_index("entity_id")["score"]

    emp = ctx.employment[ctx.employment["org"] == org]
    humans = ctx.humans.reindex(emp["human"].unique())
    permits = ctx.permits[ctx.permits["human"].isin(humans.index)]
    latest = ctx.permits.set_index("permit_id")["sponsor"].reindex(humans["latest_permit"].dropna())
    latest_sponsor = humans["latest_permit"].map(latest.to_dict())
    home = (ctx.residences[ctx.residences["human"].isin(humans.index)]
            .sort_values(["human", "reported_on"], kind="stable").groupby("human")["place"].last())
    evidence = result.evidence[(result.evidence["entity_id"] == org)].groupby("evidence_id")["code"].agg(", ".join)

    per = emp.groupby("human", sort=False).agg(
        records=("person_id", lambda s: ";".join(sorted(set(map(str, s))))),
        seen_as=("source", lambda s: ", ".join(sorted(set(s.dropna())))),
        since=("start_date", "min"),
        until=("end_date", lambda s: pd.NaT if s.isna().any() else s.max()),
        current=("current", "any"),
    )
    workforce = pd.DataFrame({
        "worker": per.index,
        "records": per["records"].to_numpy(),
        "seen_as": per["seen_as"].to_numpy(),
        "since": per["since"].to_numpy(),
        "until": per["until"].to_numpy(),
        "current": per["current"].to_numpy(),
        "permit": humans["latest_type"].reindex(per.index).fillna(NO_PERMIT).to_numpy(),
        "purpose": humans["latest_purpose"].reindex(per.index).to_numpy(),
        "permit_valid": humans["valid_permit"].reindex(per.index).fillna(False).astype(bool).to_numpy(),
        "permit_expires": humans["latest_expires"].reindex(per.index).to_numpy(),
        "permit_sponsor": latest_sponsor.reindex(per.index).map(org_name).fillna(NO_SPONSOR).to_numpy(),
        "sponsored_here": per.index.isin(permits.loc[permits["sponsor"] == org, "human"]),
        "lives_at": home.reindex(per.index).map(ctx.places["name"]).to_numpy(),
        "evidence_for": evidence.reindex(per.index).fillna("").to_numpy(),
    })
    # current workers first; among them visit permits, then no permit at all: what an inspection looks for
    order = workforce["permit"].map(PERMIT_ORDER).fillna(len(PERMIT_ORDER))
    workforce = (workforce.assign(_order=order)
                 .sort_values(["current", "_order", "since", "worker"], ascending=[False, True, True, True], kind="stable")
                 .drop(columns="_order").reset_index(drop=True))

    pairs = emp[emp["current"]][["human", "source"]].drop_duplicates()
    pairs = pairs.assign(permit=pairs["human"].map(humans["latest_type"]).fillna(NO_PERMIT))
    by_source = pd.crosstab(pairs["permit"], pairs["source"])
    by_source["workers"] = pairs.groupby("permit")["human"].nunique()  # seen by two sources, counted once
    by_source.loc["all"] = by_source.sum()
    by_source.index.name, by_source.columns.name = "latest permit", "seen as"

    spons = permits.assign(sponsor=permits["sponsor"].fillna(NO_SPONSOR))
    sponsors = spons.groupby("sponsor").agg(workers=("human", "nunique"), permits=("permit_id", "size"),
                                            visit_permits=("permit_type", lambda s: int((s == "VISIT").sum())))
    sponsors.insert(0, "name", sponsors.index.map(org_name).fillna("visa on arrival, or none recorded"))
    sponsors.insert(1, "kind", sponsors.index.map(_org_kind(ctx)))
    sponsors["this_employer"] = sponsors.index == org
    sponsors["score"] = sponsors.index.map(score_of)
    sponsors = sponsors.sort_values(["workers", "permits"], ascending=False, kind="stable").rename_axis("sponsor").reset_index()

    places = ctx.org_ids.loc[(ctx.org_ids["org"] == org) & (ctx.org_ids["kind"] == "address"), "value"]
    own = pd.DataFrame({"address": places.to_numpy(), "role": "employer's address", "workers": 0})
    lived = home.value_counts().rename_axis("address").rename("workers").reset_index().assign(role="workers live here")
    addresses = pd.concat([own, lived[["address", "role", "workers"]]], ignore_index=True)
    addresses.insert(1, "line", addresses["address"].map(ctx.places["name"]))
    addresses.insert(2, "city", addresses["address"].map(ctx.places["city"]))
    addresses["score"] = addresses["address"].map(score_of)

    links = network_shell.projection(ctx)
    links = links[(links["org_a"] == org) | (links["org_b"] == org)]
    links = links.assign(other=links["org_a"].where(links["org_a"] != org, links["org_b"]))
    links = links.assign(other_name=links["other"].map(org_name), other_score=links["other"].map(score_of))
    links = links[["other", "other_name", "phone", "address", "sponsor", "rotation_irregular", "rotation_regular",
                   "humans", "weight", "other_score"]].rename(columns={"humans": "rotated_workers"})
    links = links.sort_values(["weight", "other"], ascending=[False, True], kind="stable", ignore_index=True)
    links.columns.name = None

    reasons = [r.strip() for r in str(row["reasons"]).split("; ") if r.strip()] if row is not None else []
    return EmployerProfile(
        entity_id=org,
        name=str(org_name.get(org, org)),
        source_ids=ctx.resolution.source_ids(org),
        score=float(row["score"]) if row is not None else None,
        rank=int(row["rank"]) if row is not None else None,
        reasons=reasons,
        workforce=workforce,
        permits_by_source=by_source,
        sponsors=sponsors,
        addresses=addresses,
        links=links,
        as_of=ctx.as_of.date(),
    )


def _org_kind(ctx) -> pd.Series:
    kind = ctx.orgs["entity_type"].str.lower()
    return kind.where(~ctx.orgs["individual"].astype(bool), "individual")


def _table_html(frame: pd.DataFrame, limit: int | None = None, index: bool = False) -> str:
    shown = frame if limit is None else frame.head(limit)
    text = shown.to_html(index=index, na_rep="", border=0, escape=True)
    if limit is not None and len(frame) > limit:
        text += f'<p class="muted">first {limit} of {len(frame)} rows</p>'
    return text


def _profile_html(p: EmployerProfile, workers: int | None, individuals: Pseudonymiser | None = None) -> str:
    e = html.escape
    reasons = "".join(f"<li>{e(r)}</li>" for r in p.reasons) or "<li>no reasons: not flagged</li>"
    sponsors = p.sponsors
    if individuals is not None:
        sponsors = sponsors.assign(name=[individuals.name(n) if k == "individual" else n
                                         for n, k in zip(sponsors["name"], sponsors["kind"])])
    links = p.links.assign(rotated_workers=p.links["rotated_workers"].map(lambda h: ", ".join(h)))
    return "".join([
        f"<h3>{e(p.title)}</h3>",
        f'<p class="note">{e(NOTE)}</p>',
        f"<p>records merged into this employer: <code>{e(p.source_ids)}</code>; as of {e(str(p.as_of))}</p>",
        f'<ul class="reasons">{reasons}</ul>',
        "<h4>Current workers by latest permit and how their work is known</h4>", _table_html(p.permits_by_source, index=True),
        "<h4>Sponsors of the workers' permits</h4>", _table_html(p.sponsors if individuals is None else sponsors),
        "<h4>Addresses</h4>", _table_html(p.addresses),
        "<h4>Ties to other employers (shell-network projection)</h4>",
        _table_html(links) if len(links) else "<p>none</p>",
        "<h4>Workforce</h4>", _table_html(p.workforce, workers),
    ])


# --------------------------------------------------------------------------------------------
# timeline


def timeline(result: ScoreResult, entity_id: str, ax: Axes | None = None, max_workers: int = 40) -> Axes:
    """Plot each worker's employment and permit validity over time at one employer.

    One row per worker: thick bars are their permits' validity (coloured by permit type), thin
    bars their employment there (coloured by how it is known; open-ended records run to the
    as-of day, dashed line). A visit-permit bar under an employment bar is work on a visit permit;
    employment beyond every permit bar is work without any permit.

    Parameters
    ----------
    result : ScoreResult
    entity_id : str
        The employer, as for :func:`employer_profile`.
    ax : matplotlib.axes.Axes, optional
        Where to draw; by default a new pyplot figure sized to the number of workers (in Jupyter
        it shows under the cell: end the line with ``;`` to hide the returned object's text).
    max_workers : int
        Most workers drawn: current workers first, then by start of employment.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import graphkit
    >>> from matplotlib.figure import Figure
    >>> result = graphkit.score_tables(graphkit.load_folder(graphkit.datasets.tiny_path()).tables, as_of="2026-11-01")
    >>> ax = timeline(result, "employers:E02", ax=Figure().subplots())
    >>> len(ax.get_yticklabels()), ax.get_title().startswith("CV Kopi Lahat Sejahtera")
    (7, True)
    """
    profile = employer_profile(result, entity_id)
    ctx = result.context
    shown = profile.workforce.head(max_workers)
    workers = shown["worker"].tolist()
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(11, 1.2 + 0.32 * max(len(workers), 3)), layout="constrained")
    as_of = pd.Timestamp(ctx.as_of)
    row = {w: i for i, w in enumerate(workers)}
    permits = ctx.permits[ctx.permits["human"].isin(row)]
    for p in permits.itertuples():
        start, end = mdates.date2num(p.issued_on), mdates.date2num(p.expires_on)
        ax.broken_barh([(start, max(end - start, 1))], (row[p.human] - 0.35, 0.7),
                       facecolors=PERMIT_COLOURS.get(p.permit_type, "#bab0ac"), alpha=0.45, edgecolor="none")
    emp = ctx.employment[(ctx.employment["org"] == profile.entity_id) & ctx.employment["human"].isin(row)]
    for r in emp.itertuples():
        if pd.isna(r.start_date):
            continue
        open_ended = pd.isna(r.end_date)
        start, end = mdates.date2num(r.start_date), mdates.date2num(as_of if open_ended else r.end_date)
        ax.broken_barh([(start, max(end - start, 1))], (row[r.human] - 0.1, 0.2),
                       facecolors=SOURCE_COLOURS.get(r.source, "#555555"),
                       linestyle="--" if open_ended else "-", edgecolor=SOURCE_COLOURS.get(r.source, "#555555"))
    ax.axvline(mdates.date2num(as_of), color="#333333", linewidth=1, linestyle=":")
    ax.set_yticks(range(len(workers)), [w.split(":", 1)[-1] for w in workers], fontsize=8)
    ax.set_ylim(len(workers) - 0.5, -0.5)
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.grid(axis="x", color="#dddddd")
    more = f" ({len(workers)} of {len(profile.workforce)} workers)" if len(profile.workforce) > len(workers) else ""
    ax.set_title(f"{profile.name} ({profile.entity_id}): employment and permit validity{more}", fontsize=10)
    ax.set_xlabel(f"dotted line: as of {as_of.date()}")
    handles = [Patch(facecolor=c, alpha=0.45, label=f"permit {t}") for t, c in PERMIT_COLOURS.items()]
    handles += [Patch(facecolor=c, label=f"work: {s}") for s, c in SOURCE_COLOURS.items()]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    return ax


# --------------------------------------------------------------------------------------------
# one-page summary

SUMMARY_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
SUMMARY_STYLE = """
body { font-family: sans-serif; color: #222; margin: 16px 24px; max-width: 1200px; }
h3 { font-size: 1.3em; } h4 { font-size: 1em; margin: 1.2em 0 0.3em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.82em; margin: 4px 0; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; } ul.reasons { padding-left: 1.2em; } .muted { color: #666; }
.note { background: #fff8e1; border: 1px solid #f0d58c; padding: 8px 12px; }
img { max-width: 100%; } code { word-break: break-all; }
"""


def employer_summary(result: ScoreResult, entity_id: str, out: str | Path,
                     pseudonymise: Pseudonymiser | None = None) -> Path:
    """Write one employer's file as a one-page, self-contained HTML summary.

    Score, reasons, the tables of :func:`employer_profile` (the workforce capped at 50 rows) and
    the :func:`timeline` as an embedded PNG. The page runs no script and loads nothing (its
    Content-Security-Policy forbids both); every text from the data is escaped.

    Parameters
    ----------
    result : ScoreResult
    entity_id : str
        The employer, as for :func:`employer_profile`.
    out : path
        The file to write (atomically); its folder is created.
    pseudonymise : Pseudonymiser, optional
        Replaces the names of individual sponsors (people) with their pseudonyms.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> import tempfile, graphkit
    >>> from pathlib import Path
    >>> result = graphkit.score_tables(graphkit.load_folder(graphkit.datasets.tiny_path()).tables, as_of="2026-11-01")
    >>> page = employer_summary(result, "employers:E02", Path(tempfile.mkdtemp()) / "E02.html").read_text()
    >>> "CV Kopi Lahat Sejahtera" in page, "not a finding" in page, "data:image/png;base64," in page, "<script" in page
    (True, True, True, False)
    """
    profile = employer_profile(result, entity_id)
    figure = Figure(figsize=(11, 1.2 + 0.32 * max(min(len(profile.workforce), 40), 3)), layout="constrained")
    timeline(result, profile.entity_id, ax=figure.subplots())
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=90)
    image = base64.b64encode(png.getvalue()).decode("ascii")
    body = _profile_html(profile, WORKERS_SHOWN, pseudonymise)
    head, workforce = body.split("<h4>Workforce</h4>", 1)
    e = html.escape
    page = "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{e(SUMMARY_CSP)}">',
        f"<title>{e(profile.title)}</title>",
        f"<style>{SUMMARY_STYLE}</style>",
        "</head>",
        "<body>",
        head,
        "<h4>Timeline</h4>",
        f'<img alt="employment and permit validity of each worker" src="data:image/png;base64,{image}">',
        "<h4>Workforce</h4>" + workforce,
        f'<p class="muted">graphkit, rule set {e(result.rule_set.version)}</p>',
        "</body>",
        "</html>",
        "",
    ])
    return atomic_write(Path(out), page)
