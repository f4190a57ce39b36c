// purpose: resolution write-back: each Person record RESOLVES_TO its Human entity node (earlier runs' links replaced)
// :param rows => [{key: "X1", entity_id: "table:X1", entity_type: "TYPE", match_probability: 0.97, matched_on: "name:exact"}]
UNWIND $rows AS row
MATCH (n:Person {person_id: row.key})
OPTIONAL MATCH (n)-[old:RESOLVES_TO]->()
DELETE old
WITH DISTINCT n, row
MERGE (e:Human {entity_id: row.entity_id})
SET e.entity_type = row.entity_type
MERGE (n)-[r:RESOLVES_TO]->(e)
SET r.match_probability = row.match_probability, r.matched_on = row.matched_on;
