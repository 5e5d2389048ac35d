from django.urls import path

from . import views

app_name = "activities"
urlpatterns = [
    path("", views.list, name="list"),
    path("new/", views.create, name="create"),
    path("calendar/", views.month_calendar, name="calendar"),
    path("targets/", views.targets, name="targets"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/attendees/", views.attendee_add, name="attendee_add"),
    path("<int:pk>/attendees/<int:attendee_pk>/delete/", views.attendee_delete, name="attendee_delete"),
    path("photos/<int:pk>/", views.photo, name="photo"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/new/", views.article_create, name="article_create"),
    path("articles/review/", views.review_list, name="review_list"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("articles/<int:pk>/images/", views.article_image_add, name="article_image_add"),
    path("articles/<int:pk>/submit/", views.article_submit, name="article_submit"),
    path("articles/<int:pk>/decide/", views.article_decide, name="article_decide"),
    path("articles/<int:pk>/publish/", views.article_publish, name="article_publish"),
    path("articles/images/<int:pk>/", views.article_image, name="article_image"),
]
