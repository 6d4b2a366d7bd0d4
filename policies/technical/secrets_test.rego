package hipaa.technical.secrets

import rego.v1

# rego-cpp (regopy 1.5.2) aborts on some `with input as {literal}` shapes:
# bind `with` values to locals and override input's fields one by one.

_both := {"hipaa-164-312-d", "hipaa-164-308-a-5-ii-d"}

_repo := "git:github.com/acme/api"

_commit := "9fceb02d0ae598e95dc970b74767f19372d61af8"

_secret(overrides) := {
	"subject": "git:github.com/acme/api/deploy/settings.py:12#AWS Access Key",
	"data": object.union({
		"repository": _repo, "path": "deploy/settings.py", "line": 12, "rule": "secret",
		"category": "AWS Access Key", "message": "AWS Access Key in source",
		"commit": _commit, "committed_at": "2026-03-02T10:00:00+00:00",
		"in_tree": true, "fingerprint": "fp:4a1b2c3d4e5f60718293a4b5c6d7e8f9",
	}, overrides),
}

_repository(overrides) := {
	"subject": _repo,
	"data": object.union({
		"path": "../api", "remote": "github.com/acme/api", "default_branch": "main",
		"head_commit": _commit,
		"codeowners": {"path": ".github/CODEOWNERS", "covers_all": true},
		"gitignore": {"env_files_ignored": true, "private_keys_ignored": true, "not_ignored": []},
		"sensitive_files_tracked": [],
		"commits": {"window_days": 90, "total": 41, "signed": 41, "unsigned": 0},
	}, overrides),
}

_hosted(overrides) := {
	"subject": "github:acme/api",
	"data": object.union({
		"host": "github", "repository": "acme/api", "visibility": "private",
		"default_branch": "main",
		"secret_scanning": true, "secret_scanning_push_protection": true,
		"dependabot_alerts": true, "open_dependabot_alerts": 0,
	}, overrides),
}

_secret_findings(items) := fs if {
	ev := {"secrets.finding": items}
	fs := no_committed_secrets with input.evidence as ev
}

_ignore_findings(items) := fs if {
	ev := {"git.repository": items}
	fs := secret_files_ignored with input.evidence as ev
}

_tracked_findings(items) := fs if {
	ev := {"git.repository": items}
	fs := no_sensitive_files_tracked with input.evidence as ev
}

_scanning_findings(items) := fs if {
	ev := {"git.hosted_settings": items}
	fs := host_secret_scanning with input.evidence as ev
}

_messages(fs) := {f.message | some f in fs}

# no_committed_secrets

test_no_secrets_no_finding if {
	count(_secret_findings([])) == 0
}

test_secret_in_tree_must_be_removed_and_rotated if {
	fs := _secret_findings([_secret({})])
	count(fs) == 2
	{f.control | some f in fs} == _both
	every f in fs {
		f.resource == "git:github.com/acme/api/deploy/settings.py:12#AWS Access Key"
		f.severity == "high"
		f.message == "deploy/settings.py:12 holds a committed secret (AWS Access Key); remove it from the tree and rotate it"
	}
}

test_secret_in_history_only_must_be_rotated if {
	fs := _secret_findings([_secret({"in_tree": false})])
	count(fs) == 2
	_messages(fs) == {"deploy/settings.py:12 holds a committed secret (AWS Access Key); rotate it; it stays readable in history at commit 9fceb02d0ae5"}
}

test_history_secret_without_commit_still_says_rotate if {
	fs := _secret_findings([_secret({"in_tree": false, "commit": null})])
	_messages(fs) == {"deploy/settings.py:12 holds a committed secret (AWS Access Key); rotate it; it stays readable in git history"}
}

test_short_commit_is_named_whole if {
	fs := _secret_findings([_secret({"in_tree": false, "commit": "9fceb02"})])
	_messages(fs) == {"deploy/settings.py:12 holds a committed secret (AWS Access Key); rotate it; it stays readable in history at commit 9fceb02"}
}

test_unknown_in_tree_fails_closed_to_remove_and_rotate if {
	fs := _secret_findings([_secret({"in_tree": null}), {"subject": "s2", "data": null}, {"subject": "s3"}])
	count(fs) == 6
	_messages(fs) == {
		"deploy/settings.py:12 holds a committed secret (AWS Access Key); remove it from the tree and rotate it",
		"(unknown location) holds a committed secret (unknown type); remove it from the tree and rotate it",
	}
}

test_secret_messages_never_carry_the_fingerprint if {
	fs := _secret_findings([_secret({}), _secret({"in_tree": false})])
	every f in fs {
		not contains(f.message, "fp:")
		not contains(f.message, _commit)
	}
}

# secret_files_ignored

test_complete_gitignore_no_finding if {
	count(_ignore_findings([_repository({})])) == 0
}

test_gitignore_gaps_name_the_probes if {
	gi := {"env_files_ignored": true, "private_keys_ignored": false, "not_ignored": ["server.key", "id_rsa"]}
	fs := _ignore_findings([_repository({"gitignore": gi})])
	count(fs) == 1
	some f in fs
	f.control == "hipaa-164-308-a-5-ii-d"
	f.resource == "git:github.com/acme/api"
	f.severity == "medium"
	f.message == "git does not ignore private keys (not ignored: id_rsa, server.key); make .gitignore ignore env files and private keys so they cannot be committed by accident"
}

test_gitignore_both_kinds_missing if {
	gi := {"env_files_ignored": false, "private_keys_ignored": false, "not_ignored": [".env"]}
	fs := _ignore_findings([_repository({"gitignore": gi})])
	_messages(fs) == {"git does not ignore env files or private keys (not ignored: .env); make .gitignore ignore env files and private keys so they cannot be committed by accident"}
}

test_gitignore_probe_not_ignored_with_flags_true_is_found if {
	gi := {"env_files_ignored": true, "private_keys_ignored": true, "not_ignored": ["config/.env"]}
	fs := _ignore_findings([_repository({"gitignore": gi})])
	_messages(fs) == {"git does not ignore config/.env; make .gitignore ignore env files and private keys so they cannot be committed by accident"}
}

test_gitignore_unknown_fails_closed if {
	fs := _ignore_findings([
		_repository({"gitignore": null}),
		{"subject": "git:local/b", "data": null},
		{"subject": "git:local/c"},
		{"subject": "git:local/d", "data": {"gitignore": {"env_files_ignored": true, "private_keys_ignored": null, "not_ignored": null}}},
		{"subject": "git:local/e", "data": {"gitignore": {"env_files_ignored": true, "private_keys_ignored": true, "not_ignored": [7]}}},
	])
	count(fs) == 5
	_messages(fs) == {
		"could not be read: gitignore; make .gitignore ignore env files and private keys so they cannot be committed by accident",
		"could not be read: private_keys_ignored, not_ignored; make .gitignore ignore env files and private keys so they cannot be committed by accident",
		"which files git ignores is not fully shown; make .gitignore ignore env files and private keys so they cannot be committed by accident",
	}
}

# no_sensitive_files_tracked

test_nothing_tracked_no_finding if {
	count(_tracked_findings([_repository({})])) == 0
}

test_tracked_files_are_named if {
	fs := _tracked_findings([_repository({"sensitive_files_tracked": ["deploy/server.key", ".env.production"]})])
	count(fs) == 2
	{f.control | some f in fs} == _both
	every f in fs {
		f.resource == "git:github.com/acme/api"
		f.severity == "high"
		f.message == "files that hold secrets by convention are tracked: .env.production, deploy/server.key; remove them from the repository (git rm --cached), rotate what they held, and ignore them"
	}
}

test_many_tracked_files_are_counted_after_ten if {
	files := [concat("", ["certs/k", format_int(i, 10), ".pem"]) | some i in numbers.range(10, 21)]
	fs := _tracked_findings([_repository({"sensitive_files_tracked": files})])
	_messages(fs) == {"files that hold secrets by convention are tracked: certs/k10.pem, certs/k11.pem, certs/k12.pem, certs/k13.pem, certs/k14.pem, certs/k15.pem, certs/k16.pem, certs/k17.pem, certs/k18.pem, certs/k19.pem and 2 more; remove them from the repository (git rm --cached), rotate what they held, and ignore them"}
}

test_tracked_unknown_fails_closed if {
	fs := _tracked_findings([
		_repository({"sensitive_files_tracked": null}),
		{"subject": "git:local/b", "data": null},
		{"subject": "git:local/c"},
	])
	count(fs) == 6
	_messages(fs) == {"could not be read: sensitive_files_tracked; check that no env files or private keys are tracked"}
}

# host_secret_scanning

test_scanning_and_push_protection_on_no_finding if {
	count(_scanning_findings([_hosted({})])) == 0
}

test_scanning_off_is_found if {
	fs := _scanning_findings([_hosted({"secret_scanning": false, "secret_scanning_push_protection": false})])
	count(fs) == 1
	some f in fs
	f.control == "hipaa-164-308-a-5-ii-d"
	f.resource == "github:acme/api"
	f.severity == "medium"
	f.message == "secret scanning is not fully on (off: secret scanning, secret scanning push protection); turn on secret scanning and push protection for the repository"
}

test_scanning_unknown_fails_closed if {
	fs := _scanning_findings([
		_hosted({"secret_scanning_push_protection": null}),
		_hosted({"secret_scanning": false, "secret_scanning_push_protection": null}),
		{"subject": "gitlab:acme/api", "data": null},
		{"subject": "gitlab:acme/web"},
	])
	count(fs) == 4
	_messages(fs) == {
		"secret scanning is not fully on (could not be read: secret_scanning_push_protection); turn on secret scanning and push protection for the repository",
		"secret scanning is not fully on (off: secret scanning; could not be read: secret_scanning_push_protection); turn on secret scanning and push protection for the repository",
		"secret scanning is not fully on (could not be read: secret_scanning, secret_scanning_push_protection); turn on secret scanning and push protection for the repository",
	}
}
