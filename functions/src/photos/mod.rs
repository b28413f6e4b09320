pub mod create_photo_upload;
pub mod delete_photo;
pub mod set_photo;
