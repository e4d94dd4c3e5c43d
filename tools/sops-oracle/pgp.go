package main

// PGP: key generation with the gpg binary (OUR GLUE: a test needs keys as a user makes them for Flux), and the
// temporary GnuPG homes that sops and kustomize-controller work in.

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"

	"github.com/getsops/sops/v3/pgp"
)

type pgpKeysAnswer struct {
	SecretKey   string `json:"secretKey"`
	PublicKey   string `json:"publicKey"`
	Fingerprint string `json:"fingerprint"`
	Error       string `json:"error"`
}

// The key types of a gpg parameter file: a signing primary key and an encryption subkey, which is the one sops's
// `gpg --encrypt -r <primary fingerprint>` picks.
var pgpKeyTypes = map[string]string{
	"rsa": "Key-Type: RSA\nKey-Length: 3072\nSubkey-Type: RSA\nSubkey-Length: 3072\n",
	"ecc": "Key-Type: EDDSA\nKey-Curve: ed25519\nSubkey-Type: ECDH\nSubkey-Curve: cv25519\n",
}

var keyCreated = regexp.MustCompile(`(?m)^\[GNUPG:\] KEY_CREATED [BP] ([0-9A-F]{40})$`)

// pgpKeygen makes a key pair as Flux's SOPS guide does (gpg in batch mode from a parameter file, no expiry, then
// `gpg --export-secret-keys --armor` for the Secret's .asc entry), in a home of its own that is removed afterwards.
// The keys are only in the answer: gpg's stderr, which never holds them, goes into errors alone.
func pgpKeygen(algorithm, passphrase string) (pgpKeysAnswer, error) {
	keyType, ok := pgpKeyTypes[algorithm]
	if !ok {
		return pgpKeysAnswer{}, fmt.Errorf("oracle: unknown PGP algorithm %q (rsa or ecc)", algorithm)
	}
	// A parameter file value is one line with its spaces trimmed, and --passphrase-fd reads one line.
	if strings.ContainsAny(passphrase, "\r\n") || strings.TrimSpace(passphrase) != passphrase {
		return pgpKeysAnswer{}, errors.New("oracle: a passphrase is one line without leading or trailing spaces")
	}
	protection := "%no-protection\n"
	if passphrase != "" {
		protection = "Passphrase: " + passphrase + "\n"
	}
	params := keyType + "Key-Usage: sign\nSubkey-Usage: encrypt\n" +
		"Name-Real: sops-oracle\nName-Email: sops-oracle@fleetwarden.invalid\nExpire-Date: 0\n" + protection + "%commit\n"

	home, err := pgp.NewGnuPGHome()
	if err != nil {
		return pgpKeysAnswer{}, err
	}
	defer removeGnuPGHome(home)
	status, err := gpg(home, params, "--batch", "--status-fd", "1", "--gen-key")
	if err != nil {
		return pgpKeysAnswer{}, err
	}
	m := keyCreated.FindStringSubmatch(status)
	if m == nil {
		return pgpKeysAnswer{}, errors.New("oracle: gpg --gen-key did not report the key it created")
	}
	fingerprint := m[1]
	public, err := gpg(home, "", "--batch", "--armor", "--export", fingerprint)
	if err != nil {
		return pgpKeysAnswer{}, err
	}
	// Exporting a protected secret key needs its passphrase: given on stdin, never by a pinentry.
	exportArgs := []string{"--batch", "--armor"}
	if passphrase != "" {
		exportArgs = append(exportArgs, "--pinentry-mode", "loopback", "--passphrase-fd", "0")
	}
	secret, err := gpg(home, passphrase+"\n", append(exportArgs, "--export-secret-keys", fingerprint)...)
	if err != nil {
		return pgpKeysAnswer{}, err
	}
	return pgpKeysAnswer{SecretKey: secret, PublicKey: public, Fingerprint: fingerprint}, nil
}

// gpg runs the gpg binary on home with stdin, and returns its stdout.
func gpg(home pgp.GnuPGHome, stdin string, args ...string) (string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.Command("gpg", append([]string{"--homedir", home.String()}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("oracle: gpg %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stdout.String(), nil
}

// importedGnuPGHome is kustomize-controller's GnuPG home: pgp.NewGnuPGHome(), then GnuPGHome.Import of each .asc
// entry of the decryption Secret (gpg --batch --import; one import of their concatenation reads the same blocks).
// An empty text is a Secret without .asc entries: the home stays empty. The error is sops's; the controller prefixes
// it with "failed to import '<entry>' data from sops decryption Secret '<namespace>/<name>': ".
func importedGnuPGHome(armoredKeys string) (pgp.GnuPGHome, error) {
	home, err := pgp.NewGnuPGHome()
	if err != nil {
		return "", err
	}
	if armoredKeys != "" {
		if err := home.Import([]byte(armoredKeys)); err != nil {
			removeGnuPGHome(home)
			return "", err
		}
	}
	return home, nil
}

// removeGnuPGHome removes a home and stops the gpg-agent gpg started for it (importing a secret key or decrypting
// does), which would otherwise outlive it. kustomize-controller only removes the directory; the agent then exits on
// its own once it notices its socket is gone.
func removeGnuPGHome(home pgp.GnuPGHome) {
	_ = exec.Command("gpgconf", "--homedir", home.String(), "--kill", "all").Run()
	_ = os.RemoveAll(home.String())
}
