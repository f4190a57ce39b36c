// purpose: how many nodes carry each label (from the count store, no scan)
// :param section => "GRAPH COUNTS"
CALL db.stats.retrieve($section) YIELD data
UNWIND data.nodes AS row
WITH row
WHERE row.label IS NOT NULL
RETURN row.label AS label, row.count AS nodes ORDER BY label;
