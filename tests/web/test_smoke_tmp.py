from tests.web.conftest import login, text, task_id_of

def test_smoke(app, client, fresh):
    r = login(client, "muong-la.staff")
    print(r.status_code, r.headers.get("Location"))
    r = client.get("/")
    print(r.status_code)
    open("/tmp/inbox.html","w").write(text(r))
    tid = task_id_of(fresh, "muong-la", "unit_plan_adapt")
    r = client.get(f"/tasks/{tid}")
    print(r.status_code)
    open("/tmp/task.html","w").write(text(r))
    r = client.get("/notifications"); print(r.status_code)
    r = client.get("/account"); print(r.status_code)
    r = client.get("/nope"); print(r.status_code)
    r = client.get("/api/tasks"); print(r.status_code, r.json[:1])
