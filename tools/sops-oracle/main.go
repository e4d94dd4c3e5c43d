// Command sops-oracle is a TEST ORACLE: it answers what Flux's kustomize-controller v1.9.4 makes of a SOPS encrypted
// file with age or PGP keys, by calling the code kustomize-controller calls, at the versions its go.mod selects (see
// go.mod): getsops/sops v3.13.2 and filippo.io/age v1.3.1. It also encrypts files as `sops --encrypt` does, so tests
// can make inputs with the real tool. The Java differential tests compare fleetwarden's SOPS decryption with it.
//
// Input: one JSON object per line, by "op":
//
//	{"op":"keygen"}
//	{"op":"pgpkeygen","algorithm":"rsa|ecc","passphrase":""}
//	{"op":"encrypt","format":"yaml|json|dotenv|ini|binary","data":"<plaintext>","recipients":["age1..."],
//	 "pgpPublicKeys":"<armored public keys>","pgpFingerprints":["<40 hex>"],
//	 "encryptedRegex":"","unencryptedRegex":"","encryptedSuffix":"","unencryptedSuffix":"",
//	 "encryptedCommentRegex":"","unencryptedCommentRegex":"","macOnlyEncrypted":false}
//	{"op":"decrypt","inputFormat":"...","outputFormat":"...","data":"<encrypted>","identities":"<.agekey texts>",
//	 "pgpKeys":"<.asc texts>"}
//	{"op":"mac","format":"...","data":"<encrypted>","identities":"...","pgpKeys":"..."}
//
// Output: one JSON object per line: {"identity","recipient","error"} for keygen, {"secretKey","publicKey",
// "fingerprint","error"} for pgpkeygen (armored as `gpg --armor --export-secret-keys` and `--export` write them, and
// the primary key's fingerprint, which sops names a PGP key by), {"data","error"} for encrypt and decrypt,
// {"data","computed","error"} for mac (the MAC stored in the file, decrypted, and the MAC computed over the decrypted
// tree), {"error"} for a question that cannot be read. "error" is empty on success.
//
// Which steps are whose:
//   - KUSTOMIZE-CONTROLLER'S CODE (internal/decryptor/decryptor.go, SopsDecryptWithFormat, with checkSopsMac false as
//     in production): the store for the input format with config.NewStoresConfig(), LoadEncryptedFile,
//     GetDataKeyWithKeyServices over one local key service client with sops.DefaultDecryptionOrder, tree.Decrypt with
//     aes.NewCipher(), the store for the output format's EmitPlainFile, the recover from panics, and the wording of
//     every error. Its safeDecrypt and sopsUserErr are internal to kustomize-controller, so they are copied here; its
//     key service (internal/sops/keyservice) likewise, for the age part (a MasterKey with only the recipient, the
//     imported identities applied with ParsedIdentities.ApplyToMasterKey, then Decrypt) and the PGP part (a MasterKey
//     from the fingerprint, OpenPGP disabled, the GnuPG home applied, then Decrypt: so the gpg binary decrypts, as
//     `gpg --homedir <home> -d`). The GnuPG home is the controller's Decryptor's: pgp.NewGnuPGHome() with the .asc
//     entries imported by GnuPGHome.Import (`gpg --batch --import`), removed after the question.
//   - SOPS'S CLI (cmd/sops/main.go getEncryptConfig and keyGroups, cmd/sops/encrypt.go encrypt), for "encrypt": the
//     one-rule check, the default unencrypted suffix when no rule is set, no rules for the binary store, one key
//     group of the PGP then the age master keys (--pgp, --age), GenerateDataKeyWithKeyServices over sops's own local
//     key service, common.EncryptTree, EmitEncryptedFile. PGP encryption runs with GNUPGHOME set to a temporary home
//     holding the question's public keys, as a user's `GNUPGHOME=... sops --encrypt --pgp` does.
//   - OUR GLUE: the protocol, PGP key generation with the gpg binary (pgp.go), and the "mac" op, which is
//     kustomize-controller's checkSopsMac branch with both MACs returned instead of compared.
//   - LEFT OUT: key types other than age and PGP (KMS, Vault...): a key of another type fails with an error of ours.
//
// Identities come only from the question. The controller runs as user 65534 with HOME=/ and none of the SOPS_AGE_*
// variables, and when a Secret holds no .agekey file sops's age code falls back to that environment; the oracle sets
// the same environment at startup so that fallback, and its error message, are the controller's. Its container has
// no GNUPGHOME, SOPS_GPG_EXEC, terminal or display either: every gpg the oracle runs is given a temporary home, and
// a passphrase-protected key fails to decrypt (the gpg-agent's pinentry has no one to ask) instead of prompting the
// user running the tests. The oracle needs the gpg binary (GnuPG 2.2 or later) on PATH for PGP questions only.
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	agelib "filippo.io/age"
	"github.com/getsops/sops/v3"
	"github.com/getsops/sops/v3/aes"
	"github.com/getsops/sops/v3/age"
	"github.com/getsops/sops/v3/cmd/sops/common"
	"github.com/getsops/sops/v3/cmd/sops/formats"
	"github.com/getsops/sops/v3/config"
	"github.com/getsops/sops/v3/keyservice"
	"github.com/getsops/sops/v3/logging"
	"github.com/getsops/sops/v3/pgp"
	"github.com/getsops/sops/v3/version"
)

type question struct {
	Op                      string   `json:"op"`
	Format                  string   `json:"format"`
	InputFormat             string   `json:"inputFormat"`
	OutputFormat            string   `json:"outputFormat"`
	Data                    string   `json:"data"`
	Recipients              []string `json:"recipients"`
	Identities              string   `json:"identities"`
	PGPPublicKeys           string   `json:"pgpPublicKeys"`
	PGPFingerprints         []string `json:"pgpFingerprints"`
	PGPKeys                 string   `json:"pgpKeys"`
	Algorithm               string   `json:"algorithm"`
	Passphrase              string   `json:"passphrase"`
	EncryptedRegex          string   `json:"encryptedRegex"`
	UnencryptedRegex        string   `json:"unencryptedRegex"`
	EncryptedSuffix         string   `json:"encryptedSuffix"`
	UnencryptedSuffix       string   `json:"unencryptedSuffix"`
	EncryptedCommentRegex   string   `json:"encryptedCommentRegex"`
	UnencryptedCommentRegex string   `json:"unencryptedCommentRegex"`
	MACOnlyEncrypted        bool     `json:"macOnlyEncrypted"`
	// Base64: data in the question and in the answer is base64, for content that is not UTF-8 (binary files).
	Base64 bool `json:"base64"`
}

type keysAnswer struct {
	Identity  string `json:"identity"`
	Recipient string `json:"recipient"`
	Error     string `json:"error"`
}

type dataAnswer struct {
	Data  string `json:"data"`
	Error string `json:"error"`
}

type macAnswer struct {
	Data     string `json:"data"`
	Computed string `json:"computed"`
	Error    string `json:"error"`
}

type failure struct {
	Error string `json:"error"`
}

// The environment of kustomize-controller's container (see the package comment). Without GPG_TTY, a display or a
// session bus, a pinentry cannot reach the user running the tests; without a locale, gpg's messages, which sops
// quotes in its errors, are in English as the controller's are.
var controllerEnvironment = map[string]string{"HOME": "/"}
var clearedVariables = []string{age.SopsAgeKeyEnv, age.SopsAgeKeyFileEnv, age.SopsAgeKeyCmdEnv,
	age.SopsAgeSshPrivateKeyFileEnv, age.SopsAgeSshPrivateKeyCmdEnv, age.SopsAgeRecipientEnv, "XDG_CONFIG_HOME",
	"GNUPGHOME", pgp.SopsGpgExecEnv, "GPG_AGENT_INFO", "GPG_TTY", "DISPLAY", "WAYLAND_DISPLAY",
	"DBUS_SESSION_BUS_ADDRESS", "XAUTHORITY", "PINENTRY_USER_DATA", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}

// Where sops's age code looks for identities in that environment; none may exist, or the oracle would answer with
// identities that are not the question's.
var fallbackFiles = []string{"/.ssh/id_ed25519", "/.ssh/id_rsa", "/.config/sops/age/keys.txt"}

func main() {
	for _, name := range clearedVariables {
		os.Unsetenv(name)
	}
	for name, value := range controllerEnvironment {
		os.Setenv(name, value)
	}
	for _, path := range fallbackFiles {
		if _, err := os.Stat(path); err == nil {
			fmt.Fprintf(os.Stderr, "sops-oracle: %s exists; sops would read identities from it, refusing to run\n", path)
			os.Exit(1)
		}
	}
	// sops logs at warn level, and one of its warnings quotes a comment it could not decrypt: never a secret on stderr.
	for _, logger := range logging.Loggers {
		logger.SetOutput(io.Discard)
	}

	in := bufio.NewReader(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			if eerr := enc.Encode(answer(line)); eerr != nil {
				fmt.Fprintln(os.Stderr, "sops-oracle:", eerr)
				os.Exit(1)
			}
			if ferr := out.Flush(); ferr != nil {
				os.Exit(1)
			}
		}
		if err != nil {
			return
		}
	}
}

// answer never panics: sops is known to panic on malicious input, and one bad question must not end the process.
func answer(line []byte) (a any) {
	defer func() {
		if r := recover(); r != nil {
			a = failure{Error: fmt.Sprintf("oracle: panic: %v", r)}
		}
	}()
	var q question
	dec := json.NewDecoder(bytes.NewReader(line))
	// A misspelt field would otherwise be a silently unset rule.
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		return failure{Error: "oracle: bad question: " + err.Error()}
	}
	if q.Base64 {
		raw, err := base64.StdEncoding.DecodeString(q.Data)
		if err != nil {
			return failure{Error: "oracle: bad question: data is not base64"}
		}
		q.Data = string(raw)
	}
	text := func(data []byte) string {
		if q.Base64 {
			return base64.StdEncoding.EncodeToString(data)
		}
		return string(data)
	}
	switch q.Op {
	case "keygen":
		identity, err := agelib.GenerateX25519Identity()
		if err != nil {
			return keysAnswer{Error: err.Error()}
		}
		return keysAnswer{Identity: identity.String(), Recipient: identity.Recipient().String()}
	case "pgpkeygen":
		keys, err := pgpKeygen(q.Algorithm, q.Passphrase)
		if err != nil {
			return pgpKeysAnswer{Error: err.Error()}
		}
		return keys
	case "encrypt":
		data, err := encrypt(q)
		if err != nil {
			return dataAnswer{Error: err.Error()}
		}
		return dataAnswer{Data: text(data)}
	case "decrypt":
		data, err := decrypt(q)
		if err != nil {
			return dataAnswer{Error: err.Error()}
		}
		return dataAnswer{Data: text(data)}
	case "mac":
		stored, computed, err := mac(q)
		if err != nil {
			return macAnswer{Error: err.Error()}
		}
		return macAnswer{Data: stored, Computed: computed}
	default:
		return failure{Error: fmt.Sprintf("oracle: unknown op %q (keygen, pgpkeygen, encrypt, decrypt or mac)", q.Op)}
	}
}

// formats.FormatFromString takes anything unknown for binary; a test that misspells a format should hear of it.
func format(name string) (formats.Format, error) {
	switch name {
	case "binary", "dotenv", "ini", "json", "yaml":
		return formats.FormatFromString(name), nil
	}
	return 0, fmt.Errorf("oracle: unknown format %q (yaml, json, dotenv, ini or binary)", name)
}

// kustomize-controller's sopsFormatToString, the names its errors use.
var sopsFormatToString = map[formats.Format]string{
	formats.Binary: "binary",
	formats.Dotenv: "dotenv",
	formats.Ini:    "INI",
	formats.Json:   "JSON",
	formats.Yaml:   "YAML",
}

func decrypt(q question) ([]byte, error) {
	inputFormat, err := format(q.InputFormat)
	if err != nil {
		return nil, err
	}
	outputFormat, err := format(q.OutputFormat)
	if err != nil {
		return nil, err
	}
	identities, err := parseIdentities(q.Identities)
	if err != nil {
		return nil, err
	}
	gnuPGHome, err := importedGnuPGHome(q.PGPKeys)
	if err != nil {
		return nil, err
	}
	defer removeGnuPGHome(gnuPGHome)
	return sopsDecryptWithFormat([]byte(q.Data), inputFormat, outputFormat, keyServices(identities, gnuPGHome))
}

// sopsDecryptWithFormat is kustomize-controller's, line for line, with checkSopsMac false.
func sopsDecryptWithFormat(data []byte, inputFormat, outputFormat formats.Format,
	keyServices []keyservice.KeyServiceClient) (_ []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("failed to emit encrypted %s file as decrypted %s: %v",
				sopsFormatToString[inputFormat], sopsFormatToString[outputFormat], r)
		}
	}()

	store := common.StoreForFormat(inputFormat, config.NewStoresConfig())

	tree, err := store.LoadEncryptedFile(data)
	if err != nil {
		return nil, sopsUserErr(fmt.Sprintf("failed to load encrypted %s data", sopsFormatToString[inputFormat]), err)
	}

	metadataKey, err := tree.Metadata.GetDataKeyWithKeyServices(keyServices, sops.DefaultDecryptionOrder)
	if err != nil {
		return nil, sopsUserErr("cannot get sops data key", err)
	}

	cipher := aes.NewCipher()
	if _, err := safeDecrypt(tree.Decrypt(metadataKey, cipher)); err != nil {
		return nil, sopsUserErr("error decrypting sops tree", err)
	}

	outputStore := common.StoreForFormat(outputFormat, config.NewStoresConfig())
	out, err := outputStore.EmitPlainFile(tree.Branches)
	if err != nil {
		return nil, sopsUserErr(fmt.Sprintf("failed to emit encrypted %s file as decrypted %s",
			sopsFormatToString[inputFormat], sopsFormatToString[outputFormat]), err)
	}
	return out, err
}

// mac follows SopsDecryptWithFormat up to its checkSopsMac branch, whose two MACs it returns.
func mac(q question) (stored string, computed string, err error) {
	inputFormat, err := format(q.Format)
	if err != nil {
		return "", "", err
	}
	identities, err := parseIdentities(q.Identities)
	if err != nil {
		return "", "", err
	}
	gnuPGHome, err := importedGnuPGHome(q.PGPKeys)
	if err != nil {
		return "", "", err
	}
	defer removeGnuPGHome(gnuPGHome)

	store := common.StoreForFormat(inputFormat, config.NewStoresConfig())
	tree, err := store.LoadEncryptedFile([]byte(q.Data))
	if err != nil {
		return "", "", sopsUserErr(fmt.Sprintf("failed to load encrypted %s data", sopsFormatToString[inputFormat]), err)
	}
	metadataKey, err := tree.Metadata.GetDataKeyWithKeyServices(keyServices(identities, gnuPGHome),
		sops.DefaultDecryptionOrder)
	if err != nil {
		return "", "", sopsUserErr("cannot get sops data key", err)
	}
	cipher := aes.NewCipher()
	computed, err = safeDecrypt(tree.Decrypt(metadataKey, cipher))
	if err != nil {
		return "", "", sopsUserErr("error decrypting sops tree", err)
	}
	original, err := safeDecrypt(cipher.Decrypt(
		tree.Metadata.MessageAuthenticationCode,
		metadataKey,
		tree.Metadata.LastModified.Format(time.RFC3339),
	))
	if err != nil {
		return "", "", sopsUserErr("failed to verify sops data integrity", err)
	}
	// The controller compares the interface value with the string; only a string can be equal.
	stored, ok := original.(string)
	if !ok {
		return "", "", fmt.Errorf("oracle: the stored MAC decrypts to a %T, not a string", original)
	}
	return stored, computed, nil
}

// parseIdentities is the controller's ImportKeys for .agekey files (ParsedIdentities.Import of each file's text;
// concatenated files parse the same, line by line). Its error never quotes a key.
func parseIdentities(text string) (age.ParsedIdentities, error) {
	var identities age.ParsedIdentities
	if err := identities.Import(text); err != nil {
		return nil, fmt.Errorf("oracle: bad identities: %w", err)
	}
	return identities, nil
}

// keyServices is the controller's loadKeyServiceServer: one local client over its own server.
func keyServices(identities age.ParsedIdentities, gnuPGHome pgp.GnuPGHome) []keyservice.KeyServiceClient {
	return []keyservice.KeyServiceClient{keyservice.NewCustomLocalClient(
		keyServer{identities: identities, gnuPGHome: gnuPGHome})}
}

// keyServer is the age and PGP part of kustomize-controller's internal/sops/keyservice.Server.
type keyServer struct {
	identities age.ParsedIdentities
	gnuPGHome  pgp.GnuPGHome
}

func (s keyServer) Decrypt(_ context.Context, req *keyservice.DecryptRequest) (*keyservice.DecryptResponse, error) {
	switch k := req.Key.KeyType.(type) {
	case *keyservice.Key_PgpKey:
		// decryptWithPgp: with OpenPGP disabled, sops goes straight to the gpg binary on the home (GnuPG 2.1+ keeps
		// no secring.gpg that OpenPGP could read anyway).
		pgpKey := pgp.NewMasterKeyFromFingerprint(k.PgpKey.Fingerprint)
		pgp.DisableOpenPGP{}.ApplyToMasterKey(pgpKey)
		if s.gnuPGHome != "" {
			s.gnuPGHome.ApplyToMasterKey(pgpKey)
		}
		pgpKey.EncryptedKey = string(req.Ciphertext)
		plaintext, err := pgpKey.Decrypt()
		if err != nil {
			return nil, err
		}
		return &keyservice.DecryptResponse{Plaintext: plaintext}, nil
	case *keyservice.Key_AgeKey:
		ageKey := age.MasterKey{
			Recipient: k.AgeKey.Recipient,
		}
		s.identities.ApplyToMasterKey(&ageKey)
		ageKey.EncryptedKey = string(req.Ciphertext)
		plaintext, err := ageKey.Decrypt()
		if err != nil {
			return nil, err
		}
		return &keyservice.DecryptResponse{Plaintext: plaintext}, nil
	case nil:
		return nil, fmt.Errorf("must provide a key")
	}
	return nil, fmt.Errorf("oracle: only age and PGP keys are in scope, not %T", req.Key.KeyType)
}

func (s keyServer) Encrypt(context.Context, *keyservice.EncryptRequest) (*keyservice.EncryptResponse, error) {
	return nil, errors.New("oracle: the decryption key service does not encrypt")
}

// sopsUserErr is kustomize-controller's.
func sopsUserErr(msg string, err error) error {
	if userErr, ok := err.(sops.UserError); ok {
		err = errors.New(userErr.UserError())
	}
	return fmt.Errorf("%s: %w", msg, err)
}

// safeDecrypt is kustomize-controller's: it redacts the value sops quotes when a value is not in its format.
func safeDecrypt[T any](mac T, err error) (T, error) {
	const (
		prefix = "Input string "
		suffix = " does not match sops' data format"
	)

	if err == nil {
		return mac, nil
	}

	var buf strings.Builder

	e := err.Error()
	prefIdx := strings.Index(e, prefix)
	suffIdx := strings.Index(e, suffix)

	var zero T
	if prefIdx == -1 || suffIdx == -1 {
		return zero, err
	}

	buf.WriteString(e[:prefIdx])
	buf.WriteString(prefix)
	buf.WriteString("<redacted>")
	buf.WriteString(suffix)
	buf.WriteString(e[suffIdx+len(suffix):])

	return zero, errors.New(buf.String())
}

// encrypt is `sops --encrypt --input-type F --output-type F --pgp FP1,FP2 --age R1,R2 [rule flags]` without a
// .sops.yaml.
func encrypt(q question) ([]byte, error) {
	f, err := format(q.Format)
	if err != nil {
		return nil, err
	}
	store := common.StoreForFormat(f, config.NewStoresConfig())

	// getEncryptConfig: the binary store holds one value, always encrypted, so the rules are dropped.
	metadata := sops.Metadata{
		UnencryptedSuffix:       q.UnencryptedSuffix,
		EncryptedSuffix:         q.EncryptedSuffix,
		UnencryptedRegex:        q.UnencryptedRegex,
		EncryptedRegex:          q.EncryptedRegex,
		UnencryptedCommentRegex: q.UnencryptedCommentRegex,
		EncryptedCommentRegex:   q.EncryptedCommentRegex,
		MACOnlyEncrypted:        q.MACOnlyEncrypted,
		Version:                 version.Version,
	}
	singleValue := false
	if svs, ok := store.(sops.SingleValueStore); ok {
		singleValue = svs.IsSingleValueStore()
	}
	if singleValue {
		metadata = sops.Metadata{Version: version.Version}
	}
	rules := 0
	for _, rule := range []string{metadata.UnencryptedSuffix, metadata.EncryptedSuffix, metadata.EncryptedRegex,
		metadata.UnencryptedRegex, metadata.EncryptedCommentRegex, metadata.UnencryptedCommentRegex} {
		if rule != "" {
			rules++
		}
	}
	if rules > 1 {
		return nil, errors.New("Error: cannot use more than one of encrypted_suffix, unencrypted_suffix, " +
			"encrypted_regex, unencrypted_regex, encrypted_comment_regex, or unencrypted_comment_regex in the same file")
	}
	if rules == 0 && !singleValue {
		metadata.UnencryptedSuffix = sops.DefaultUnencryptedSuffix
	}

	// keyGroups: --pgp and --age take comma-separated keys, all in one key group, PGP keys first.
	if len(q.Recipients) == 0 && len(q.PGPFingerprints) == 0 {
		return nil, errors.New("oracle: no recipients")
	}
	var group sops.KeyGroup
	for _, k := range pgp.MasterKeysFromFingerprintString(strings.Join(q.PGPFingerprints, ",")) {
		group = append(group, k)
	}
	ageKeys, err := age.MasterKeysFromRecipients(strings.Join(q.Recipients, ","))
	if err != nil {
		return nil, err
	}
	for _, k := range ageKeys {
		group = append(group, k)
	}
	metadata.KeyGroups = []sops.KeyGroup{group}

	// sops's local key service encrypts for a PGP key with the keyring of $GNUPGHOME (OpenPGP reads pubring.gpg, which
	// GnuPG 2.1+ does not write, then the gpg binary): a home of the question's public keys, for this question only.
	if len(q.PGPFingerprints) > 0 || q.PGPPublicKeys != "" {
		home, err := importedGnuPGHome(q.PGPPublicKeys)
		if err != nil {
			return nil, fmt.Errorf("oracle: importing the PGP public keys: %w", err)
		}
		defer removeGnuPGHome(home)
		os.Setenv("GNUPGHOME", home.String())
		defer os.Unsetenv("GNUPGHOME")
	}

	// encrypt (cmd/sops/encrypt.go).
	branches, err := store.LoadPlainFile([]byte(q.Data))
	if err != nil {
		return nil, fmt.Errorf("Error unmarshalling file: %s", err)
	}
	if len(branches) < 1 {
		return nil, errors.New("File cannot be completely empty, it must contain at least one document")
	}
	if store.HasSopsTopLevelKey(branches[0]) {
		return nil, errors.New("File already encrypted")
	}
	tree := sops.Tree{Branches: branches, Metadata: metadata}
	dataKey, errs := tree.GenerateDataKeyWithKeyServices([]keyservice.KeyServiceClient{keyservice.NewLocalClient()})
	if len(errs) > 0 {
		return nil, fmt.Errorf("Could not generate data key: %s", errs)
	}
	err = common.EncryptTree(common.EncryptTreeOpts{DataKey: dataKey, Tree: &tree, Cipher: aes.NewCipher()})
	if err != nil {
		return nil, err
	}
	out, err := store.EmitEncryptedFile(tree)
	if err != nil {
		return nil, fmt.Errorf("Could not marshal tree: %s", err)
	}
	return out, nil
}
