// purpose: whether the database holds any node (an empty database gets a bulk first load)
RETURN EXISTS { MATCH (n) } AS any;
