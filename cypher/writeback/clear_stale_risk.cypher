// purpose: remove risk written by earlier runs from nodes of one label that this run did not score
// :param label => "Employer"
// :param run_id => "20261101T020000Z-abc123"
MATCH (n:$($label))
WHERE n.risk_run_id IS NOT NULL AND n.risk_run_id <> $run_id
REMOVE n.risk_score, n.risk_rank, n.risk_reasons, n.risk_entity_id, n.risk_run_id;
