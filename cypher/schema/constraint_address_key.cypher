// purpose: one Address node per address_id (uniqueness constraint; also the index MERGE uses)
CREATE CONSTRAINT address_key IF NOT EXISTS FOR (n:Address) REQUIRE n.address_id IS UNIQUE;
