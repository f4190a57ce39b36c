// purpose: humans behind more than one person record (renewed passports, spelling variants), with the weakest link that joined them
// :param min_records => 2
MATCH (h:Human)<-[r:RESOLVES_TO]-(p:Person)
WITH h, count(p) AS records, collect(p.person_id) AS person_ids, min(r.match_probability) AS weakest_link
WHERE records >= $min_records
RETURN h.entity_id AS entity_id, records, person_ids, weakest_link
ORDER BY records DESC, entity_id;
