// purpose: remove the nodes of rows the bulk importer rejected after writing their node (a refused relationship)
// :param label => "Permit"
// :param key => "permit_id"
// :param keys => ["K1"]
MATCH (n:$($label))
WHERE n[$key] IN $keys
DETACH DELETE n;
