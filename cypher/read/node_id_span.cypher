// purpose: the span of internal node ids and the number of nodes (a read-back splits the span into ranges read in parallel)
MATCH (n)
RETURN min(id(n)) AS lo, max(id(n)) AS hi, count(n) AS items;
