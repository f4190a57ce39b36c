// purpose: one Employer node per employer_id (uniqueness constraint; also the index MERGE uses)
CREATE CONSTRAINT employer_key IF NOT EXISTS FOR (n:Employer) REQUIRE n.employer_id IS UNIQUE;
