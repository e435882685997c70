"""Staff log in and out; the form throttles and never reveals which half was wrong."""
from tests.conftest import PASSWORD, login


def test_login_then_logout(client, make):
    setting = make.setting()
    user = make.user(setting, role="pico")
    response = login(client, user)
    assert response.status_code == 302
    page = client.get("/children")
    assert page.status_code == 200
    assert user.name in page.get_data(as_text=True)
    client.post("/logout")
    assert client.get("/children").status_code == 302


def test_wrong_password_rerenders_with_message(client, make):
    user = make.user(make.setting())
    response = login(client, user, password="not the password")
    assert response.status_code == 200
    assert "do not match an active account" in response.get_data(as_text=True)
    assert client.get("/children").status_code == 302


def test_disabled_account_cannot_log_in(client, make):
    user = make.user(make.setting(), active=False)
    assert login(client, user).status_code == 200


def test_login_is_throttled(client, make):
    user = make.user(make.setting())
    codes = [login(client, user, password="wrong").status_code for _ in range(12)]
    assert codes[:10] == [200] * 10
    assert codes[-1] == 429
    assert login(client, user, password=PASSWORD).status_code == 429


def test_real_configs_hash_passwords_with_scrypt():
    from app.config import DevelopmentConfig, ProductionConfig

    assert DevelopmentConfig.PASSWORD_HASH_METHOD == ProductionConfig.PASSWORD_HASH_METHOD == "scrypt"
