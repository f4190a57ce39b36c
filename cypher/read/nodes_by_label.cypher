// purpose: the nodes of one label in an internal id range, as one list of rows of their schema properties, dates as ISO text (columnar read-back)
// :param label => "Person"
// :param keys => ["person_id", "full_name"]
// :param dates => ["birth_date"]
// :param lo => 0
// :param hi => 1000000
MATCH (n:$($label))
WHERE id(n) >= $lo AND id(n) < $hi
RETURN collect([k IN $keys | n[k]] + [k IN $dates | toString(n[k])]) AS rows;
