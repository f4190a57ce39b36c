// purpose: how many relationships there are of each type
CALL db.relationshipTypes() YIELD relationshipType AS type
CALL (type) { MATCH ()-[r:$(type)]->() RETURN count(r) AS relationships }
RETURN type, relationships ORDER BY type;
