// MongoDB's Go client for Atlas against the shipped emulator: the contract test of test/clients/go-atlas-client.test.ts.
module pulumi-atlas-x509/test/clients/go

go 1.22

require (
	github.com/mongodb-forks/digest v1.1.0
	go.mongodb.org/atlas v0.38.0
)

require github.com/google/go-querystring v1.1.0 // indirect
