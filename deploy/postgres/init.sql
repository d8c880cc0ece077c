-- The three databases of the production profile (one PostgreSQL server, one database each).
CREATE DATABASE tracker;
CREATE DATABASE gateway;
CREATE DATABASE backoffice;
