package ghapp

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// ParsePrivateKey reads an App's private key: PEM, PKCS#1 ("RSA PRIVATE
// KEY", as GitHub hands it out) or PKCS#8 ("PRIVATE KEY"). A key pasted
// into a one-line setting with literal "\n" sequences is accepted too.
// Errors are one line and never quote the key.
func ParsePrivateKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	data := bytes.TrimSpace(pemBytes)
	if len(data) == 0 {
		return nil, errors.New("private key is empty")
	}
	block, _ := pem.Decode(data)
	if block == nil && bytes.Contains(data, []byte(`\n`)) {
		block, _ = pem.Decode(bytes.ReplaceAll(data, []byte(`\n`), []byte("\n")))
	}
	if block == nil {
		return nil, errors.New("private key is not PEM-encoded (expected a -----BEGIN RSA PRIVATE KEY----- block)")
	}
	if block.Type == "ENCRYPTED PRIVATE KEY" || strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED") {
		return nil, errors.New("private key is encrypted (GitHub gives App keys unencrypted)")
	}
	if block.Type != "RSA PRIVATE KEY" && block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("private key is not an RSA key (PKCS#1 or PKCS#8): the PEM block is %q", truncate(block.Type, 40))
	}
	// Try both encodings whatever the label says: keys converted by hand
	// are sometimes labelled wrongly.
	var key *rsa.PrivateKey
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		key = k
	} else if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		switch k := k.(type) {
		case *rsa.PrivateKey:
			key = k
		case *ecdsa.PrivateKey:
			return nil, errors.New("private key is not an RSA key (PKCS#1 or PKCS#8): it is an ECDSA key")
		case ed25519.PrivateKey:
			return nil, errors.New("private key is not an RSA key (PKCS#1 or PKCS#8): it is an Ed25519 key")
		default:
			return nil, errors.New("private key is not an RSA key (PKCS#1 or PKCS#8)")
		}
	} else if _, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return nil, errors.New("private key is not an RSA key (PKCS#1 or PKCS#8): it is an EC key")
	} else {
		return nil, errors.New("private key is not a valid RSA key (PKCS#1 or PKCS#8): its contents do not parse")
	}
	if err := key.Validate(); err != nil {
		return nil, errors.New("private key is not a valid RSA key: its numbers are inconsistent")
	}
	return key, nil
}
