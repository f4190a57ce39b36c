// purpose: the span of internal ids of one label's nodes and their number (a read-back splits the span into ranges read in parallel)
// :param label => "Person"
MATCH (n:$($label))
RETURN min(id(n)) AS lo, max(id(n)) AS hi, count(n) AS nodes;
