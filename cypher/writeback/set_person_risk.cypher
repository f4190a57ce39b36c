// purpose: write one scoring run's risk onto Person nodes (every record merged into a scored entity)
// :param run_id => "20261101T020000Z-abc123"
// :param rows => [{key: "X1", entity_id: "table:X1", score: 81.0, rank: 1, reasons: "CODE: text (evidence 3)"}]
UNWIND $rows AS row
MATCH (n:Person {person_id: row.key})
SET n.risk_score = row.score, n.risk_rank = row.rank, n.risk_reasons = row.reasons,
    n.risk_entity_id = row.entity_id, n.risk_run_id = $run_id;
