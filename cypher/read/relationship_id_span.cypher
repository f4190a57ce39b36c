// purpose: the span of internal relationship ids and the number of relationships (a read-back splits the span into ranges read in parallel)
MATCH ()-[r]->()
RETURN min(id(r)) AS lo, max(id(r)) AS hi, count(r) AS items;
