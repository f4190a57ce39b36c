// purpose: record a scoring run (manifest summary) and link it to the run before it
// :param run_id => "20261101T020000Z-abc123"
// :param props => {rule_set_version: "2026.11.1", as_of: "2026-11-01", scored_EMPLOYER: 3}
MERGE (r:ScoringRun {run_id: $run_id})
SET r += $props
WITH r
OPTIONAL MATCH (prev:ScoringRun)
WHERE prev.run_id < $run_id
WITH r, prev ORDER BY prev.run_id DESC LIMIT 1
FOREACH (p IN CASE WHEN prev IS NULL THEN [] ELSE [prev] END | MERGE (r)-[:FOLLOWS]->(p));
