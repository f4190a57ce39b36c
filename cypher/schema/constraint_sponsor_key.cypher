// purpose: one Sponsor node per sponsor_id (uniqueness constraint; also the index MERGE uses)
CREATE CONSTRAINT sponsor_key IF NOT EXISTS FOR (n:Sponsor) REQUIRE n.sponsor_id IS UNIQUE;
