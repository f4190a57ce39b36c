"""``graphkit resolve`` and ``graphkit explain-match``: resolution on its own, and why two records match.

Examples
--------
>>> import tempfile
>>> from graphkit.datasets import tiny_path
>>> out = run_resolve(tiny_path(), tempfile.mkdtemp())
>>> sorted(p.name for p in out.iterdir())
['entities.csv', 'manifest.json', 'rejects.csv']
>>> print(explain_match(tiny_path(), "persons:P26", "persons:P27").splitlines()[0])
persons:P26 vs persons:P27: one PERSON (entity persons:P26)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from graphkit.config import Settings
from graphkit.errors import GraphkitError
from graphkit.resolve import read_judgements, resolve
from graphkit.resolve.linkage import match_weight

_KINDS = {"persons": "persons", "addresses": "addresses", "employers": "organisations", "sponsors": "organisations"}


def run_resolve(input_dir: str | Path, out: str | Path, settings: Settings | None = None) -> Path:
    """Ingest ``input_dir`` and resolve it; write ``entities.csv``, ``rejects.csv`` and ``manifest.json``."""
    from graphkit.export.tables import write_csv, write_json
    from graphkit.ingest import load_folder
    from graphkit.manifest import Manifest

    settings = settings or Settings()
    manifest = Manifest.start("resolve", "memory", {k: v for k, v in settings.model_dump().items() if k.startswith("resolve_")})
    with manifest.stage("ingest"):
        ingested = load_folder(input_dir)
    with manifest.stage("resolve"):
        resolution = resolve(ingested.tables, settings, read_judgements(input_dir), keep_models=False)
    manifest.inputs = ingested.files
    manifest.rows = ingested.counts
    manifest.extra["resolution"] = resolution.counts
    out_path = Path(out)
    with manifest.stage("write"):
        write_csv(resolution.entities, out_path / "entities.csv")
        write_csv(ingested.rejects, out_path / "rejects.csv")
    data = manifest.finish()
    data["timings"] = manifest.timings
    write_json(data, out_path / "manifest.json")
    return out_path


def explain_match(input_dir: str | Path, left: str, right: str, settings: Settings | None = None) -> str:
    """Splink's waterfall for two records of ``input_dir`` as text: each comparison's level and weight."""
    from graphkit.ingest import load_folder

    kinds = {_KINDS.get(s.split(":")[0]) for s in (left, right)}
    if None in kinds or len(kinds) != 1:
        raise GraphkitError(f"explain-match compares two persons, two addresses or two sponsors/employers "
                            f"(table:id), not {left} and {right}")
    kind = kinds.pop()
    ingested = load_folder(input_dir)
    resolution = resolve(ingested.tables, settings, read_judgements(input_dir))
    entities = resolution.entities.set_index("source_id")
    for s in (left, right):
        if s not in entities.index:
            raise GraphkitError(f"{s}: no such accepted record in {input_dir}")
    same = entities.loc[left, "entity_id"] == entities.loc[right, "entity_id"]
    lines = [f"{left} vs {right}: " + (f"one {entities.loc[left, 'entity_type']} (entity {entities.loc[left, 'entity_id']})"
                                       if same else "two entities")]
    if kind not in resolution.models:
        return "\n".join(lines + ["no model was run for these records (fewer than two of their kind)"])
    linker, records, ids = resolution.models[kind]
    a, b = (int(np.flatnonzero(ids == s)[0]) for s in (left, right))
    row = linker.inference.score_pair(records.iloc[a].to_dict(), records.iloc[b].to_dict()).as_pandas_dataframe().iloc[0]
    prior = linker._settings_obj._probability_two_random_records_match
    lines.append(f"  {'prior (two random records match)':44} {match_weight(prior):+8.2f}")
    settings_dict = linker._settings_obj
    for comparison in settings_dict.comparisons:
        name = comparison.output_column_name
        gamma = int(row[f"gamma_{name}"])
        level = next(cl for cl in comparison.comparison_levels if cl.comparison_vector_value == gamma)
        weight = float(row.get(f"mw_{name}", 0.0)) + float(row.get(f"mw_tf_adj_{name}", 0.0) or 0.0)
        lines.append(f"  {name + ': ' + level.label_for_charts:44} {weight:+8.2f}")
    lines.append(f"  {'total match weight':44} {float(row['match_weight']):+8.2f}")
    lines.append(f"  match probability {float(row['match_probability']):.6f}")
    return "\n".join(lines)
