// purpose: one Permit node per permit_id (uniqueness constraint; also the index MERGE uses)
CREATE CONSTRAINT permit_key IF NOT EXISTS FOR (n:Permit) REQUIRE n.permit_id IS UNIQUE;
