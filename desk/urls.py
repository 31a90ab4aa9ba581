from django.urls import path

from . import audit_log, live_polls, registration, views

urlpatterns = [
    path("", views.home, name="desk"),
    path("import/", views.import_file, name="desk-import"),
    path("export/<str:kind>.<str:fmt>", views.export_file, name="desk-export"),
    path("results.<str:fmt>", views.export_results, name="desk-results-export"),
    path("people/", registration.people, name="desk-people"),
    path("people/<int:rep_id>/check-in/", views.check_in, name="desk-check-in"),
    path("people/<int:rep_id>/reissue/", views.reissue, name="desk-reissue"),
    path("deputies/", views.seat_deputy, name="desk-seat-deputy"),
    path("deputies/<int:seat_id>/end/", views.end_deputisation, name="desk-end-deputisation"),
    path("record/", views.record, name="desk-record"),
    path("record/<int:poll_id>/", views.revise, name="desk-revise"),
    path("record/close-business/", views.close_business, name="desk-close-business"),
    path("record/publish/", views.publish_record, name="desk-publish-record"),
    path("record/draft.<str:fmt>", views.record_draft, name="desk-record-draft"),
    path("audit/", audit_log.audit_log, name="desk-audit"),
    path("audit.csv", audit_log.audit_csv, name="desk-audit-csv"),
    path("live-polls/", live_polls.live_polls, name="desk-live-polls"),
    path("policy/", views.existing_policy, name="desk-policy"),
    path("policy/reaffirm/", views.reaffirm_policy, name="desk-reaffirm-policy"),
    path("policy/lapse-rule/", views.policy_lapse_rule, name="desk-policy-lapse-rule"),
    path("new-conference/", views.new_conference, name="desk-new-conference"),
    path("elections/", views.elections_page, name="desk-elections"),
    path("jobs/", views.start_job, name="desk-start-job"),
    path("jobs/<int:job_id>/", views.job_page, name="desk-job"),
    path("jobs/<int:job_id>/status/", views.job_status, name="desk-job-status"),
    path("jobs/<int:job_id>/download/", views.job_download, name="desk-job-download"),
]
