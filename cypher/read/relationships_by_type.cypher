// purpose: every relationship of one type between two labels as rows (end keys, properties, dates as ISO text), in chunks
// :param type => "HOLDS"
// :param start_label => "Person"
// :param start_key => "person_id"
// :param end_label => "Permit"
// :param end_key => "permit_id"
// :param keys => []
// :param dates => []
// :param chunk => 20000
MATCH (a:$($start_label))-[r:$($type)]->(b:$($end_label))
WITH collect([a[$start_key], b[$end_key]] + [k IN $keys | r[k]] + [k IN $dates | toString(r[k])]) AS rows
UNWIND range(0, size(rows) - 1, $chunk) AS i
RETURN rows[i..i + $chunk] AS rows;
