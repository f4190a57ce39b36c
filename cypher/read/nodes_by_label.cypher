// purpose: every node of one label as rows of its schema properties, dates as ISO text, in chunks (columnar read-back)
// :param label => "Person"
// :param keys => ["person_id", "full_name"]
// :param dates => ["birth_date"]
// :param chunk => 20000
MATCH (n:$($label))
WITH collect([k IN $keys | n[k]] + [k IN $dates | toString(n[k])]) AS rows
UNWIND range(0, size(rows) - 1, $chunk) AS i
RETURN rows[i..i + $chunk] AS rows;
