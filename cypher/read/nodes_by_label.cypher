// purpose: every node of one label with all its properties (read back for analysis and parity)
// :param label => "Person"
MATCH (n:$($label))
RETURN properties(n) AS props;
