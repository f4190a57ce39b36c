// purpose: the nodes of the given labels in an internal id range, one row per label: their ids, then one list per schema property (dates as ISO text); each id is sought (no scan) and each node's properties read once (columnar read-back)
// :param labels => ["Person"]
// :param keys => {Person: ["person_id", "full_name"]}
// :param dates => {Person: ["birth_date"]}
// :param lo => 0
// :param hi => 1000000
MATCH (n)
WHERE id(n) IN range($lo, $hi - 1)
WITH n, [l IN labels(n) WHERE l IN $labels][0] AS label
WHERE label IS NOT NULL
WITH label, collect(id(n)) AS ids, collect(properties(n)) AS props
RETURN label, ids, [k IN $keys[label] | [p IN props | p[k]]] + [k IN $dates[label] | [p IN props | toString(p[k])]] AS columns;
