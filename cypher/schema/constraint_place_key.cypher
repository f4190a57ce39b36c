// purpose: one Place entity node per canonical id (resolution write-back)
CREATE CONSTRAINT place_key IF NOT EXISTS FOR (n:Place) REQUIRE n.entity_id IS UNIQUE;
