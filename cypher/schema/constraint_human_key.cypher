// purpose: one Human entity node per canonical id (resolution write-back)
CREATE CONSTRAINT human_key IF NOT EXISTS FOR (n:Human) REQUIRE n.entity_id IS UNIQUE;
