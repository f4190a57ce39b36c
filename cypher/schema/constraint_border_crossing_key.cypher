// purpose: one BorderCrossing node per movement_key (uniqueness constraint; also the index MERGE uses)
CREATE CONSTRAINT border_crossing_key IF NOT EXISTS FOR (n:BorderCrossing) REQUIRE n.movement_key IS UNIQUE;
