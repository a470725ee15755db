# 001: Keras' examples/mnist_cnn.py (Keras 3). ✎ marks a line changed from the document.
import os.path

import keras
from keras import backend as K
from keras.datasets import mnist
from keras.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from keras.models import Sequential

batch_size = 128
num_classes = 10
epochs = 12
img_rows, img_cols = 28, 28

(x_train, y_train), (x_test, y_test) = mnist.load_data()

if K.image_data_format() == 'channels_first':  # ✎1 the document's "K.../image_data_format" is a garbled "K.image_data_format"
    x_train = x_train.reshape(x_train.shape[0], 1, img_rows, img_cols)
    x_test = x_test.reshape(x_test.shape[0], 1, img_rows, img_cols)
    input_shape = (1, img_rows, img_cols)
else:
    x_train = x_train.reshape(x_train.shape[0], img_rows, img_cols, 1)
    x_test = x_test.reshape(x_test.shape[0], img_rows, img_cols, 1)
    input_shape = (img_rows, img_cols, 1)

x_train = x_train.astype('float32') / 255
x_test = x_test.astype('float32') / 255
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

model = Sequential()
model.add(Conv2D(32, kernel_size=(3, 3), activation='relu', input_shape=input_shape))
model.add(Conv2D(64, (3, 3), activation='relu'))
model.add(MaxPooling2D(pool_size=(2, 2)))
model.add(Dropout(0.25))
model.add(Flatten())
model.add(Dense(128, activation='relu'))
model.add(Dropout(0.5))
model.add(Dense(num_classes, activation='softmax'))

model.compile(loss=keras.losses.categorical_crossentropy,
              optimizer=keras.optimizers.Adadelta(learning_rate=1.0),  # ✎2 the old Adadelta() meant 1.0
              metrics=['accuracy'])

logPath = "./data/06_cnn01/log"
os.makedirs(logPath, exist_ok=True)
tb_cb = keras.callbacks.TensorBoard(log_dir=logPath, histogram_freq=1, write_graph=True)

model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=1,
          validation_data=(x_test, y_test),  # ✎3 as in the document; better: validation_split=0.1
          callbacks=[tb_cb])
score = model.evaluate(x_test, y_test, verbose=0)
print('Test loss:', score[0])
print('Test accuracy:', score[1])

path = "./data/06_cnn01"
fileName = path + "/06_cnn01.keras"  # ✎4 Keras 3 saves .keras (".h5" is the old format)
os.makedirs(path, exist_ok=True)
model.save(fileName)

# --- reading a picture file (the document's second listing) ---
import numpy as np
from keras.models import load_model
from PIL import Image  # ✎1 "from PIL import ../image"

imageName = path + "/test4-2.png"
model = load_model(fileName)
print("completed to load a CNN model from ", fileName)

image = Image.open(imageName).convert('L')
image = image.resize((28, 28), Image.LANCZOS)  # ✎5 Image.ANTIALIAS was removed in Pillow 10
data = np.asarray(image, dtype=float)
data = data.reshape(1, 28, 28, 1).astype('float32') / 255

classes = np.argmax(model.predict(data, batch_size=32), axis=1)  # ✎6 predict_classes() was removed
print("classes = ", classes)
