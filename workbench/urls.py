from workbench import urls_desk, urls_work

app_name = "workbench"

# The committee's workbench and the units' desk keep their routes in their own modules.
urlpatterns = urls_work.urlpatterns + urls_desk.urlpatterns
