// purpose: one Person node per person_id (uniqueness constraint; also the index MERGE uses)
CREATE CONSTRAINT person_key IF NOT EXISTS FOR (n:Person) REQUIRE n.person_id IS UNIQUE;
