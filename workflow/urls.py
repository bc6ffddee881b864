from django.urls import path

from workflow.views import adjudication, assignments, calibration, samples, training

app_name = "workflow"

urlpatterns = [
    path("queue/", assignments.coder_queue, name="queue"),
    path("queue/<int:pk>/start/", assignments.assignment_begin, name="start"),
    path("assignments/", assignments.assignment_overview, name="overview"),
    path("assignments/new/", assignments.assign, name="assign"),
    path("assignments/<int:pk>/withdraw/", assignments.assignment_withdraw, name="withdraw"),
    path("sample/", samples.reliability_sample, name="sample"),
    path("adjudication/", adjudication.adjudication_list, name="adjudication"),
    path(
        "adjudication/<int:transcript_pk>/<int:scheme_pk>/",
        adjudication.adjudicate,
        name="adjudicate",
    ),
    path(
        "adjudication/consensus/<int:pk>/decide/",
        adjudication.adjudication_decision,
        name="decide",
    ),
    path(
        "adjudication/consensus/<int:pk>/finish/",
        adjudication.adjudication_complete,
        name="finish",
    ),
    path("gold/", training.gold_standards, name="gold"),
    path("gold/<int:pk>/mark/", training.gold_mark, name="gold_mark"),
    path("gold/<int:pk>/unmark/", training.gold_unmark, name="gold_unmark"),
    path("training/", training.training_sets, name="training"),
    path("training/<int:pk>/", training.training_set_edit, name="training_edit"),
    path("training/<int:pk>/delete/", training.training_set_remove, name="training_delete"),
    path("calibration/", calibration.calibration, name="calibration"),
    path("calibration/sets/<int:pk>/start/", calibration.calibration_begin, name="calibrate"),
    path("calibration/<int:pk>/", calibration.calibration_attempt, name="attempt"),
    path("calibration/<int:pk>/finish/", calibration.calibration_complete, name="attempt_finish"),
    path("calibration/<int:pk>/retake/", calibration.retake_allow, name="retake_allow"),
    path(
        "calibration/retakes/<int:pk>/withdraw/",
        calibration.retake_withdraw,
        name="retake_withdraw",
    ),
]
