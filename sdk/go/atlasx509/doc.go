// MongoDB Atlas X.509 authentication for database users: Atlas-managed client certificates that rotate before they expire, and a project's self-managed CA bundle, with drift detection on refresh.
package atlasx509
