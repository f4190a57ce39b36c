// purpose: how many nodes carry each label
CALL db.labels() YIELD label
CALL (label) { MATCH (n:$(label)) RETURN count(n) AS nodes }
RETURN label, nodes ORDER BY label;
