#!/usr/bin/env bash
# Regenerates the CSR fixtures with openssl, an implementation independent of ours.
# The outputs are committed so that tests are deterministic and fast; rerun only to change them.
set -euo pipefail
cd "$(dirname "$0")/fixtures"
subj='/C=FR/ST=Ile-de-France/L=Paris/O=J1CFRA/OU=Server/CN=api.example.org'
req() { # name keyopts... -- extra req args
  local name=$1; shift
  openssl genpkey "$@" -out "$name.key" 2>/dev/null
}
mk() { # name key [extra args]
  local name=$1 key=$2; shift 2
  openssl req -new -key "$key" -subj "$subj" -sha256 -out "$name.csr" "$@"
}
req rsa2048 -algorithm RSA -pkeyopt rsa_keygen_bits:2048
req rsa3072 -algorithm RSA -pkeyopt rsa_keygen_bits:3072
req rsa4096 -algorithm RSA -pkeyopt rsa_keygen_bits:4096
req rsa1024 -algorithm RSA -pkeyopt rsa_keygen_bits:1024
req rsa2048-e3 -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -pkeyopt rsa_keygen_pubexp:3
req p256 -algorithm EC -pkeyopt ec_paramgen_curve:P-256
req p384 -algorithm EC -pkeyopt ec_paramgen_curve:P-384
req p224 -algorithm EC -pkeyopt ec_paramgen_curve:P-224
req ed25519 -algorithm ED25519
for k in rsa2048 rsa3072 rsa4096 rsa1024 rsa2048-e3 p256 p384 p224; do mk "$k" "$k.key"; done
openssl req -new -key ed25519.key -subj "$subj" -out ed25519.csr
openssl req -new -key rsa2048.key -subj "$subj" -sha1 -out rsa2048-sha1.csr
# Asks for everything a CA must never grant to an end entity.
mk hostile rsa2048.key -addext 'basicConstraints=critical,CA:TRUE' \
  -addext 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature' \
  -addext 'extendedKeyUsage=anyExtendedKeyUsage,serverAuth,codeSigning' \
  -addext 'subjectAltName=DNS:api.example.org,DNS:*.example.com,DNS:bank.example,email:evil@example.com' \
  -addext 'nameConstraints=permitted;DNS:example.org'
# External requests: exactly the profile's usages, and one without serverAuth.
mk external-ok rsa2048.key -addext 'keyUsage=critical,digitalSignature,keyEncipherment,dataEncipherment' -addext 'extendedKeyUsage=serverAuth'
mk external-no-eku rsa2048.key -addext 'keyUsage=critical,digitalSignature,keyEncipherment,dataEncipherment' -addext 'extendedKeyUsage=clientAuth'
mk external-ec-ok p256.key -addext 'keyUsage=critical,digitalSignature,keyAgreement' -addext 'extendedKeyUsage=serverAuth'
# A challengePassword attribute that must be ignored and never exposed.
printf '[req]\ndistinguished_name=dn\nattributes=attrs\nprompt=no\n[dn]\nCN=api.example.org\n[attrs]\nchallengePassword=s3cret-challenge\n' > cp.cnf
openssl req -new -key rsa2048.key -config cp.cnf -sha256 -out challenge.csr
# A multi-valued RDN.
openssl req -new -key rsa2048.key -subj '/O=J1CFRA/CN=api.example.org+OU=Server' -multivalue-rdn -sha256 -out multivalue.csr
rm -f cp.cnf
# The same P-256 key in other encodings of its point and curve (canonicalSpki, KEY_ENCODING_UNSUPPORTED).
for form in compressed hybrid; do
  openssl ec -in p256.key -conv_form "$form" -out "p256-$form.key" 2>/dev/null
  mk "p256-$form" "p256-$form.key"
done
openssl ec -in p256.key -param_enc explicit -out p256-explicit.key 2>/dev/null
mk p256-explicit p256-explicit.key
rm -f p256-compressed.key p256-hybrid.key p256-explicit.key
# Requests with text around the PEM block, as `openssl req -text` and GnuTLS's certtool print them.
mk rsa2048-text rsa2048.key -text
printf 'organization = "J1CFRA"\nunit = "Server"\ncountry = FR\nstate = "Ile-de-France"\nlocality = "Paris"\ncn = "api.example.org"\n' > certtool.tmpl
certtool --generate-request --load-privkey p256.key --template certtool.tmpl --outfile p256-certtool.csr 2>/dev/null
rm -f certtool.tmpl
