package schematest

import "testing"

func TestSchemaLoadsAndRejectsBadDocuments(t *testing.T) {
	s := Require(t)
	if err := Validate(s, `query { viewer { login } rateLimit { cost remaining resetAt } }`); err != nil {
		t.Errorf("a valid document was rejected: %v", err)
	}
	if err := Validate(s, `query { viewer { noSuchField } }`); err == nil {
		t.Errorf("a document with an unknown field was accepted")
	}
}
