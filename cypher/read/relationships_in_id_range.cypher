// purpose: the relationships of the given types in an internal id range, one row per type: start and end node ids, then one list per property (dates as ISO text); each id is sought, no node is read (columnar read-back)
// :param types => ["RESIDES_AT"]
// :param keys => {RESIDES_AT: ["residence_key"]}
// :param dates => {RESIDES_AT: ["start_date"]}
// :param lo => 0
// :param hi => 1000000
MATCH ()-[r]->()
WHERE id(r) IN range($lo, $hi - 1) AND type(r) IN $types
WITH type(r) AS label, collect(id(startNode(r))) AS ids, collect(id(endNode(r))) AS end_ids, collect(properties(r)) AS props
RETURN label, ids, end_ids, [k IN $keys[label] | [p IN props | p[k]]] + [k IN $dates[label] | [p IN props | toString(p[k])]] AS columns;
