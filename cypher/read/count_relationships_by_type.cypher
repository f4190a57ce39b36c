// purpose: how many relationships there are of each type (from the count store, no scan)
// :param section => "GRAPH COUNTS"
CALL db.stats.retrieve($section) YIELD data
UNWIND data.relationships AS row
WITH row
WHERE row.relationshipType IS NOT NULL AND row.startLabel IS NULL AND row.endLabel IS NULL
RETURN row.relationshipType AS type, row.count AS relationships ORDER BY type;
