"""vaultx exec: what the child's environment holds.

A real child (Python) dumps /proc/self/environ, the environment exactly as
execve gave it, to a file: exactly the scope's variables (globs: `*` one
segment, `**` any depth; explicit `env` mappings), none of the other secrets,
no VAULTX_* variable, the parent's other variables kept; with --clean-env only
PATH HOME USER LANG TERM and the secrets. Several --scope give the union.
"""
import exectest
import vxtest

SECRETS = {
    "aws/key": b"aws-top-value-7f3a91",
    "aws/prod/key": b"aws-prod-value-c0ffee42",
    "aws/prod/deep/key": b"aws-deep-value-5e5e5e17",
    "awsx/key": b"awsx-sibling-value-0b1d",
    "openai/api-key": b"sk-openai-value-91827364",
    "db/password": b"db-password-value-44aa",
    "other/thing": b"other-thing-value-3c3c",
}

CONFIG = """
[scopes.one-level]
secrets = ["aws/*"]

[scopes.deep]
secrets = ["aws/**"]

[scopes.mapped]
env = { OPENAI = "openai/api-key", DB_PASS = "db/password" }

[scopes.mixed]
secrets = ["openai/api-key", "aws/prod/*"]
env = { OPENAI = "openai/api-key" }

[scopes.empty]
"""

PARENT = {"USER": "e2e-user", "TERM": "xterm-e2e", "E2E_PARENT_ONLY": "kept-by-default", "LC_E2E": "x"}


class ChildEnvironment(exectest.SharedStoreCase):
    SECRETS = SECRETS
    CONFIG = CONFIG

    def expect_exactly(self, env, secrets):
        """env holds the {variable: secret} given and no other stored secret, by name or by value."""
        for variable, secret in secrets.items():
            self.assertEqual(env.get(variable), SECRETS[secret].decode(), f"{variable} should hold {secret}")
        others = [n for n in SECRETS if n not in secrets.values()]
        for name in others:
            value = SECRETS[name].decode()
            holders = [k for k, v in env.items() if value in v]
            self.assertEqual(holders, [], f"{name} is outside the scope but reached the child")
        self.assertEqual([k for k in env if k.startswith("VAULTX_")], [], "a VAULTX_ variable reached the child")
        self.assertFalse(any(vxtest.PASSPHRASE in v for v in env.values()), "the passphrase reached the child")

    def test_one_segment_glob(self):
        env, _ = self.exec_env(["one-level"], env=PARENT)
        self.expect_exactly(env, {"AWS_KEY": "aws/key"})

    def test_deep_glob_matches_every_level_below_but_not_siblings(self):
        env, _ = self.exec_env(["deep"], env=PARENT)
        self.expect_exactly(env, {"AWS_KEY": "aws/key", "AWS_PROD_KEY": "aws/prod/key",
                                  "AWS_PROD_DEEP_KEY": "aws/prod/deep/key"})
        self.assertNotIn("AWSX_KEY", env)

    def test_explicit_env_mapping_replaces_the_default_name(self):
        env, _ = self.exec_env(["mapped"], env=PARENT)
        self.expect_exactly(env, {"OPENAI": "openai/api-key", "DB_PASS": "db/password"})
        self.assertNotIn("OPENAI_API_KEY", env)
        self.assertNotIn("DB_PASSWORD", env)

    def test_mapping_and_globs_together(self):
        env, _ = self.exec_env(["mixed"], env=PARENT)
        self.expect_exactly(env, {"OPENAI": "openai/api-key", "AWS_PROD_KEY": "aws/prod/key"})
        self.assertNotIn("AWS_PROD_DEEP_KEY", env)

    def test_parent_variables_are_kept_and_vaultx_variables_are_not(self):
        env, _ = self.exec_env(["one-level"], env=PARENT)
        parent = self.vx.environment(PARENT)
        expected = {k: v for k, v in parent.items() if not k.startswith("VAULTX_")}
        expected["AWS_KEY"] = SECRETS["aws/key"].decode()
        self.assertEqual(env, expected)

    def test_same_environment_when_vaultx_is_replaced(self):
        supervised, _ = self.exec_env(["deep"], env=PARENT)
        replaced, _ = self.exec_env(["deep"], env=PARENT, mask="never")
        self.assertEqual(supervised, replaced)

    def test_a_variable_of_the_parent_with_a_secret_name_is_replaced(self):
        env, _ = self.exec_env(["one-level"], env={**PARENT, "AWS_KEY": "from-the-parent"})
        self.assertEqual(env["AWS_KEY"], SECRETS["aws/key"].decode())

    def test_clean_env_keeps_only_the_five_and_the_secrets(self):
        env, _ = self.exec_env(["mapped"], "--clean-env", env=PARENT)
        parent = self.vx.environment(PARENT)
        expected = {k: parent[k] for k in ("PATH", "HOME", "USER", "LANG", "TERM")}
        expected["OPENAI"] = SECRETS["openai/api-key"].decode()
        expected["DB_PASS"] = SECRETS["db/password"].decode()
        self.assertEqual(env, expected)

    def test_clean_env_does_not_invent_missing_variables(self):
        env, _ = self.exec_env(["one-level"], "--clean-env", env={"USER": None, "TERM": None})
        self.assertEqual(sorted(env), ["AWS_KEY", "HOME", "LANG", "PATH"])

    def test_several_scopes_give_the_union(self):
        env, _ = self.exec_env(["one-level", "mapped"], env=PARENT)
        self.expect_exactly(env, {"AWS_KEY": "aws/key", "OPENAI": "openai/api-key", "DB_PASS": "db/password"})

    def test_union_keeps_each_scope_s_name_for_a_shared_secret(self):
        env, _ = self.exec_env(["mixed", "deep"], "--clean-env", env=PARENT)
        self.expect_exactly(env, {"OPENAI": "openai/api-key", "AWS_KEY": "aws/key", "AWS_PROD_KEY": "aws/prod/key",
                                  "AWS_PROD_DEEP_KEY": "aws/prod/deep/key"})
        self.assertEqual(sorted(env), ["AWS_KEY", "AWS_PROD_DEEP_KEY", "AWS_PROD_KEY", "HOME", "LANG", "OPENAI",
                                       "PATH", "TERM", "USER"])

    def test_empty_scope_gives_no_secret(self):
        env, _ = self.exec_env(["empty"], "--clean-env", env=PARENT)
        self.assertEqual(sorted(env), ["HOME", "LANG", "PATH", "TERM", "USER"])


if __name__ == "__main__":
    exectest.main()
